// The benchmark driver; see Benchmarks/run.sh.
print("casewatch-bench: not built yet")
