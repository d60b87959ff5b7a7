"""
python_tasks.py -- the functions bench/python.sh times through the python
workload (see bench/python.c).
"""
import time


def empty(task, ntasks):
    """Nothing: what one task costs the workload itself."""
    return 0


def calls_in_python(task, ntasks, n):
    """The reference: nanoseconds per call of empty() from a Python loop."""
    t0 = time.perf_counter_ns()
    for i in range(n):
        empty(i, n)
    return (time.perf_counter_ns() - t0) / n


def cpu(task, ntasks, n):
    """CPU-bound pure Python: n multiply-adds in the interpreter."""
    x = 0
    for i in range(n):
        x += i * i
    return x


def nap(task, ntasks, delay):
    """Waiting: time.sleep releases the GIL."""
    time.sleep(delay)
    return 1
