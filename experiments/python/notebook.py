"""
notebook.py -- the concurrency notebook's Python functions, written as the
notebook wrote them, and the tasks parabench's python workload calls:
function(task, ntasks, **args), one call per task, the results summed or
given to reduce. Used by experiments/python-gil.yaml and demo.yaml.

    find_pi    Monte Carlo pi with random(): CPU-bound pure Python
    sum_prime  the sum of primes <= num by trial division (is_prime)
    io_task    a short time.sleep: waiting, as on a server or a disk
"""
import math
import time
from random import random, seed  # perform this import outside the function


# ---- As in the notebook ---------------------------------------------------

def find_pi(n):
    """
    Function to estimate the value of Pi
    """
    inside=0

    for i in range(0,n):
        x=random()
        y=random()
        if (x*x+y*y)**(0.5)<=1:  # if i falls inside the circle
            inside+=1

    pi=4*inside/n
    return pi


def sum_prime(num):

    sum_of_primes = 0

    ix = 2

    while ix <= num:
        if is_prime(ix):
            sum_of_primes += ix
        ix += 1

    return sum_of_primes


def is_prime(num):
    if num <= 1:
        return False
    elif num <= 3:
        return True
    elif num%2 == 0 or num%3 == 0:
        return False
    i = 5
    while i*i <= num:
        if num%i == 0 or num%(i+2) == 0:
            return False
        i += 6
    return True


# ---- The tasks parabench runs ---------------------------------------------

def pi_task(task, ntasks, samples):
    """find_pi on this task's share of the samples, as Pool.map(find_pi,
    [N//P]*P) does. Each task seeds its own stream, so the answer is the
    same under every strategy and worker count."""
    seed(task)
    return find_pi(samples // ntasks)


def mean(results):
    """The notebook's sum(p.map(find_pi, ...))/P."""
    return sum(results) / len(results)


def pi_close(result, ntasks, samples):
    """Within 6 standard errors of pi, or what was expected."""
    bound = 6 * math.sqrt(math.pi * (4 - math.pi) / samples)
    if abs(result - math.pi) <= bound:
        return True
    return "pi within %.2g (%d samples)" % (bound, samples)


def prime_task(task, ntasks, n):
    """sum_prime's loop over this task's share of 2..n: the shares add up
    to sum_prime(n)."""
    lo = 2 + (n - 1) * task // ntasks
    hi = 2 + (n - 1) * (task + 1) // ntasks
    sum_of_primes = 0
    ix = lo
    while ix < hi:
        if is_prime(ix):
            sum_of_primes += ix
        ix += 1
    return sum_of_primes


def primes_right(result, ntasks, n):
    """The sum of the primes <= n from a sieve, or what was expected."""
    sieve = bytearray([1]) * (n + 1)
    sieve[0:2] = b"\0\0"
    for i in range(2, math.isqrt(n) + 1):
        if sieve[i]:
            sieve[i * i::i] = bytes(len(range(i * i, n + 1, i)))
    expected = sum(i for i, p in enumerate(sieve) if p)
    if result == expected:
        return True
    return "the sum of the primes <= %d, %d" % (n, expected)


def io_task(task, ntasks, delay):
    """Waits delay seconds, as a request to a slow server would; the GIL is
    released while it sleeps."""
    time.sleep(delay)
    return 1
