from . import hub_bench_floor
