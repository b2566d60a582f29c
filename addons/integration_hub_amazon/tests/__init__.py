from . import test_amazon, test_amazon_orders, test_amazon_sqs, test_role_matrix
