"""Tiny SOAP helpers on lxml: build an envelope from nested tuples, read a response."""

from lxml import etree

SOAPENV = "http://schemas.xmlsoap.org/soap/envelope/"


def element(parent, tag, value=None, namespace=None):
    """Append <tag> (in ``namespace`` when given) under parent; skip None values."""
    name = f"{{{namespace}}}{tag}" if namespace else tag
    node = etree.SubElement(parent, name)
    if value is not None:
        node.text = str(value)
    return node


def build(tree, parent, namespace=None):
    """tree: list of (tag, value) where value is a scalar, a list of pairs (children) or None (skipped)."""
    for tag, value in tree:
        if value is None or value == "":
            continue
        if isinstance(value, list):
            build(value, element(parent, tag, namespace=namespace), namespace)
        else:
            element(parent, tag, value, namespace)
    return parent


def _build_top(tree, parent, namespace, qualify_all):
    for tag, value in tree:
        node = element(parent, tag, None if isinstance(value, list) else value, namespace)
        if isinstance(value, list):
            build(value, node, namespace if qualify_all else None)


def envelope(body_tree, body_ns, header_tree=None, header_ns=None, nsmap=None, qualify_all=False):
    """A SOAP 1.1 envelope. The operation (and header) elements are namespace-qualified; their
    children too only when ``qualify_all`` (DPD's schemas leave them unqualified, Correos' do not)."""
    nsmap = {"soapenv": SOAPENV, **(nsmap or {})}
    root = etree.Element(f"{{{SOAPENV}}}Envelope", nsmap=nsmap)
    header = etree.SubElement(root, f"{{{SOAPENV}}}Header")
    if header_tree:
        _build_top(header_tree, header, header_ns, qualify_all)
    body = etree.SubElement(root, f"{{{SOAPENV}}}Body")
    _build_top(body_tree, body, body_ns, qualify_all)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def parse(content):
    """The document root; a response that is not XML raises ValueError."""
    try:
        return etree.fromstring(content if isinstance(content, bytes) else content.encode())
    except etree.XMLSyntaxError as error:
        raise ValueError(f"not XML: {error}") from None


def local(node, path):
    """First descendant matching the local-name path 'A/B/C' (namespaces ignored); None when absent."""
    xpath = ".//" + "/".join(f"*[local-name()='{part}']" for part in path.split("/"))
    found = node.xpath(xpath)
    return found[0] if found else None


def text(node, path, default=""):
    found = local(node, path)
    return (found.text or "").strip() if found is not None and found.text else default


def all_local(node, path):
    return node.xpath(".//" + "/".join(f"*[local-name()='{part}']" for part in path.split("/")))


def fault(root):
    """The SOAP fault string, or None."""
    node = local(root, "Fault")
    if node is None:
        return None
    return text(node, "faultstring") or text(node, "message") or "SOAP fault"
