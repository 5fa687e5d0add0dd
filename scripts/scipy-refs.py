#!/usr/bin/env python3
"""Reference values for test/stats-*.test.ts, computed with SciPy/NumPy.

Run:  /usr/bin/python3 scripts/scipy-refs.py      (Debian's python3-scipy)
Prints one JSON object: {"versions": …, "<case>": {"call": "<the exact SciPy call>", "value": …}}.
The tests pin these numbers, each next to the call that produced it and the SciPy version.

The data sets below are repeated verbatim in the test files (each test file is self-contained);
keep both in sync.
"""
import decimal
import json
import math
import sys
import warnings

import numpy as np
import scipy
from scipy import special, stats
from scipy.stats import _resampling

warnings.simplefilter("ignore")

D = {
    # Log-normal "test MSE" of two models over 30 runs (generated once, rounded, then frozen).
    "mse30a": [0.0194, 0.022613, 0.01998, 0.011761, 0.010589, 0.015254, 0.018604, 0.017036, 0.023585, 0.018097,
               0.017602, 0.012494, 0.011372, 0.02174, 0.015185, 0.018374, 0.010633, 0.01345, 0.010862, 0.012356,
               0.018799, 0.01036, 0.013125, 0.015627, 0.012692, 0.014083, 0.014191, 0.016653, 0.013467, 0.016057],
    "mse30b": [0.012983, 0.014233, 0.01354, 0.019373, 0.010843, 0.017275, 0.011574, 0.010074, 0.017327, 0.011468,
               0.011618, 0.009046, 0.007575, 0.015, 0.009565, 0.015549, 0.020318, 0.012438, 0.009658, 0.014126,
               0.015485, 0.011989, 0.012856, 0.017872, 0.017563, 0.015286, 0.010307, 0.012629, 0.014882, 0.01214],
    "n2": [1.5, 2.5],
    "n3": [1.0, 2.0, 4.0],
    "same5": [0.3, 0.3, 0.3, 0.3, 0.3],
    "ties_a": [1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 4.0, 5.0],
    "ties_b": [2.0, 3.0, 4.0, 4.0, 5.0, 5.0, 6.0, 7.0, 7.0],
    "small_a": [0.81, 0.64, 0.92, 0.70, 0.77, 0.59],
    "small_b": [0.95, 0.88, 1.02, 0.74, 0.99, 1.10, 0.85],
    "u5": [-2.501, -0.05, -0.33, -0.519, 2.32],
    "u20": [-1.674, 0.778, 0.869, 1.267, -0.802, 0.333, -0.695, 0.672, 0.996, 0.964, 0.602, 0.986, 0.977, 1.205,
            0.825, -0.983, -0.015, 1.146, -0.11, 0.002],
    "b9a": [0.113, -0.046, 0.894, 0.512, -0.435, 0.114, -2.859, -0.797, -0.147],
    "b9b": [-1.387, 0.678, 1.252, 2.035, 1.403, 2.884, 2.528, -0.634, 0.774],
    "x3": [-0.156, 0.092, -0.573],
    "y40": [1.11, 1.245, -1.024, 1.445, -0.148, 1.556, 1.065, 0.369, 2.488, 1.39, 0.532, 0.749, 2.915, 1.917, 1.45,
            0.715, 1.063, 0.648, -1.026, 1.386, 0.915, -0.851, -0.142, 0.252, 0.826, 2.229, 0.518, -1.441, 1.15,
            0.332, -1.243, -1.782, -0.564, 0.878, -0.258, 1.1, 0.219, 0.684, 1.203, 1.079],
    "welch_tight": [10.1, 9.9, 10.0, 10.2, 9.8],
    "welch_wide": [3.0, 18.0, 7.0, 25.0, 11.0, 1.0, 15.0],
    "kw1": [2.9, 3.0, 2.5, 2.6, 3.2, 3.0],
    "kw2": [3.8, 2.7, 4.0, 2.4, 3.0],
    "kw3": [2.8, 3.4, 3.7, 2.2, 2.0, 3.0, 3.4],
    "skewed20": [0.5775, 0.5022, 0.5662, 0.5464, 0.6663, 2.8042, 0.4865, 2.2216, 1.4562, 1.134, 0.4749, 0.663,
                 5.9074, 1.0933, 1.6232, 1.8162, 2.5859, 0.8075, 0.5774, 0.9478],
    "poi_a": [0.474, 0.579, 0.519, 0.524, 0.515, 0.623, 0.446, 0.452, 0.589, 0.489],
    "poi_b": [0.623, 0.493, 0.583, 0.632, 0.421, 0.497, 0.631, 0.85, 0.635, 0.573, 0.479, 0.627],
}
A = {k: np.array(v, dtype=float) for k, v in D.items()}
out = {"versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__}}


def put(name, call, value):
    out[name] = {"call": call, "value": value}


def f(x):
    x = float(x)
    return x if math.isfinite(x) else str(x)


# --- describe --------------------------------------------------------------------------------
for key in ["mse30a", "n2", "n3", "same5", "ties_a"]:
    x = A[key]
    n = len(x)
    m, sem = np.mean(x), stats.sem(x)
    for conf in [0.95, 0.9] if key == "mse30a" else [0.95]:
        low, high = stats.t.interval(conf, n - 1, loc=m, scale=sem)
        put(f"describe.{key}.{conf}", f"np.mean, np.std(ddof=1), np.median, np.percentile(x, [25, 75]), "
            f"stats.sem, stats.trim_mean(x, 0.25), stats.t.interval({conf}, n-1, loc=mean, scale=sem)", {
                "mean": f(m), "std": f(np.std(x, ddof=1)), "sem": f(sem), "median": f(np.median(x)),
                "q1": f(np.percentile(x, 25)), "q3": f(np.percentile(x, 75)),
                "iqm": f(stats.trim_mean(x, 0.25)), "low": f(low), "high": f(high)})
qs = [0, 0.1, 0.33, 0.5, 0.9, 1]
put("quantile.mse30a", f"np.quantile(mse30a, {qs})", [f(v) for v in np.quantile(A["mse30a"], qs)])
put("quantile.n3", f"np.quantile(n3, {qs})", [f(v) for v in np.quantile(A["n3"], qs)])

# --- Welch ----------------------------------------------------------------------------------
for a, b in [("welch_tight", "welch_wide"), ("mse30a", "mse30b"), ("n2", "n3"), ("ties_a", "ties_b")]:
    r = stats.ttest_ind(A[a], A[b], equal_var=False)
    put(f"welch.{a}.{b}", f"stats.ttest_ind({a}, {b}, equal_var=False)",
        {"statistic": f(r.statistic), "pvalue": f(r.pvalue), "df": f(getattr(r, "df", float("nan")))})

# --- Mann-Whitney U -------------------------------------------------------------------------
for a, b, method in [("small_a", "small_b", "auto"), ("u5", "u20", "auto"), ("b9a", "b9b", "auto"),
                     ("ties_a", "ties_b", "auto"), ("n2", "n3", "auto"), ("x3", "y40", "auto"),
                     ("mse30a", "mse30b", "auto"), ("small_a", "small_b", "asymptotic"),
                     ("b9a", "b9b", "exact"), ("same5", "same5", "auto")]:
    r = stats.mannwhitneyu(A[a], A[b], alternative="two-sided", method=method)
    ties = len(np.unique(np.concatenate([A[a], A[b]]))) < len(A[a]) + len(A[b])
    put(f"mwu.{a}.{b}.{method}", f"stats.mannwhitneyu({a}, {b}, alternative='two-sided', method='{method}')",
        {"statistic": f(r.statistic), "pvalue": f(r.pvalue), "ties": bool(ties)})

# --- Kruskal-Wallis -------------------------------------------------------------------------
for groups in [("kw1", "kw2", "kw3"), ("ties_a", "ties_b"), ("mse30a", "mse30b", "n3")]:
    r = stats.kruskal(*[A[g] for g in groups])
    put("kruskal." + ".".join(groups), f"stats.kruskal({', '.join(groups)})",
        {"statistic": f(r.statistic), "pvalue": f(r.pvalue)})

# --- effect sizes ---------------------------------------------------------------------------
def hedges_j(df):
    """J(df) = Γ(df/2) / (√(df/2) Γ((df−1)/2)); special.gammaln loses ~1e-13 at df = 1000, so large
    even df use the closed form ((k−1)!)² 4^(k−1) / ((2k−2)! √π √k), k = df/2, in 40-digit decimals."""
    if df < 300:
        return float(special.gamma(df / 2) / special.gamma((df - 1) / 2) / math.sqrt(df / 2))
    assert df % 2 == 0
    decimal.getcontext().prec = 40
    k = df // 2
    num = decimal.Decimal(math.factorial(k - 1) ** 2 * 4 ** (k - 1))
    den = decimal.Decimal(math.factorial(2 * k - 2)) * PI_40.sqrt() * decimal.Decimal(k).sqrt()
    return float(num / den)


PI_40 = decimal.Decimal("3.141592653589793238462643383279502884197")


def hedges_g(x, y):
    nx, ny = len(x), len(y)
    df = nx + ny - 2
    sp = math.sqrt(((nx - 1) * np.var(x, ddof=1) + (ny - 1) * np.var(y, ddof=1)) / df)
    return hedges_j(df) * (np.mean(x) - np.mean(y)) / sp


for df in [2, 3, 4, 10, 57, 58, 1000]:
    put(f"hedgesJ.{df}", "special.gamma(df/2) / special.gamma((df-1)/2) / sqrt(df/2); df=1000: exact factorial form",
        f(hedges_j(df)))
for a, b in [("mse30a", "mse30b"), ("n2", "n3"), ("welch_tight", "welch_wide")]:
    put(f"hedges.{a}.{b}", "hedges_j(df) * (np.mean(a) - np.mean(b)) / pooled sd (ddof=1)",
        f(hedges_g(A[a], A[b])))
for a, b in [("mse30a", "mse30b"), ("ties_a", "ties_b"), ("poi_a", "poi_b"), ("same5", "same5")]:
    put(f"cliff.{a}.{b}", "np.mean(np.sign(a[:, None] - b[None, :]))",
        f(np.mean(np.sign(A[a][:, None] - A[b][None, :]))))
    put(f"poi.{a}.{b}", "stats.mannwhitneyu(b, a).statistic / (len(a) * len(b))",
        f(stats.mannwhitneyu(A[b], A[a]).statistic / (len(A[a]) * len(A[b]))))


# --- convergence ---------------------------------------------------------------------------
x = A["mse30a"]
prefix_means = [float(np.mean(x[:n])) for n in range(2, len(x) + 1)]
half_widths = [float(stats.t.ppf(0.975, n - 1) * stats.sem(x[:n])) for n in range(2, len(x) + 1)]


def enough_at(limits):
    """Smallest n whose half-width and every later one are <= the limit, else None."""
    ok_from = None
    for n, hw, lim in zip(range(2, len(x) + 1), half_widths, limits):
        ok_from = (ok_from or n) if hw <= lim else None
    return ok_from


put("convergence.mse30a", "np.mean(x[:n]), stats.t.ppf(0.975, n-1) * stats.sem(x[:n]) for n = 2..30; "
    "enough_at(0.0015) and enough_at(0.1 * |mean|)",
    {"mean": prefix_means, "halfWidth": half_widths, "enoughAbs0.0015": enough_at([0.0015] * len(half_widths)),
     "enoughRel0.1": enough_at([0.1 * abs(m) for m in prefix_means])})

# --- bootstrap: exact parts (no resampling noise) --------------------------------------------
def poi_stat(x, y, axis=-1):
    # P(X < Y) + 0.5 P(X = Y) along the last axis, broadcast over the leading ones.
    xx, yy = x[..., :, None], y[..., None, :]
    return np.mean(xx < yy, axis=(-2, -1)) + 0.5 * np.mean(xx == yy, axis=(-2, -1))


def mean_diff(x, y, axis=-1):
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


def bca(data, stat, alpha, theta_b):
    try:
        return _resampling._bca_interval(data, stat, axis=-1, alpha=alpha, theta_hat_b=theta_b, batch=None)
    except TypeError:  # SciPy >= 1.15 passes the array namespace
        return _resampling._bca_interval(data, stat, axis=-1, alpha=alpha, theta_hat_b=theta_b, batch=None, xp=np)


# A synthetic, skewed "bootstrap distribution" that both languages build bit-identically.
B = 2000
theta_b = np.array([0.8 + 1.1 * (((i * 7919) % B + 0.5) / B) * (((i * 7919) % B + 0.5) / B) for i in range(B)])
for conf in [0.95, 0.8]:
    alpha = (1 - conf) / 2
    a1, a2, ahat = bca((A["skewed20"],), np.mean, alpha, theta_b)
    put(f"bcaExact.skewed20.{conf}",
        f"_resampling._bca_interval((skewed20,), np.mean, alpha={alpha}, theta_hat_b=synthetic); "
        "np.percentile(theta_hat_b, alpha_i * 100)",
        {"alpha1": f(a1), "alpha2": f(a2), "a": f(ahat), "low": f(np.percentile(theta_b, a1 * 100)),
         "high": f(np.percentile(theta_b, a2 * 100))})
# Ties at the estimate: a distribution on the grid k/40 and data whose mean is exactly 0.5 = 20/40,
# so the bias correction must count the values equal to the estimate as one half.
tied_data = np.array([0.0, 0.125, 0.25, 0.5, 1.625])
theta_tied = np.array([((i * 37) % 41) / 40 for i in range(B)])
a1, a2, ahat = bca((tied_data,), np.mean, 0.025, theta_tied)
put("bcaExact.tied", "_resampling._bca_interval(([0, 0.125, 0.25, 0.5, 1.625],), np.mean, alpha=0.025, "
    "theta_hat_b=[((i*37) % 41)/40 for i in range(2000)]); np.percentile(theta_hat_b, alpha_i * 100)",
    {"alpha1": f(a1), "alpha2": f(a2), "a": f(ahat), "low": f(np.percentile(theta_tied, a1 * 100)),
     "high": f(np.percentile(theta_tied, a2 * 100)),
     "fraction": f((np.sum(theta_tied < 0.5) + np.sum(theta_tied <= 0.5)) / (2 * B))})
for name, stat in [("meanDiff", mean_diff), ("poi", poi_stat)]:
    _, _, ahat = bca((A["poi_a"], A["poi_b"]), stat, 0.025, np.array([0.0, 1.0]))
    put(f"bcaAccel.{name}.poi_a.poi_b", f"_resampling._bca_interval((poi_a, poi_b), {name}, …)[2]", f(ahat))

# --- bootstrap: Monte-Carlo references ------------------------------------------------------
def boot(data, stat, method, n, seed):
    r = stats.bootstrap(data, stat, method=method, n_resamples=n, random_state=np.random.default_rng(seed),
                        vectorized=True)
    return r.confidence_interval.low, r.confidence_interval.high


BIG, SMALL, SEEDS = 200_000, 20_000, 20
for label, data, stat in [("mean.skewed20", (A["skewed20"],), np.mean), ("poi.poi_a.poi_b", (A["poi_a"], A["poi_b"]), poi_stat)]:
    for method in ["percentile", "BCa"]:
        low, high = boot(data, stat, method, BIG, 12345)
        # Spread of the endpoints over seeds at SMALL resamples, to size the Monte-Carlo tolerance.
        reps = np.array([boot(data, stat, method, SMALL, s) for s in range(SEEDS)])
        put(f"bootstrap.{label}.{method}",
            f"stats.bootstrap({label.split('.', 1)[1]}, …, method='{method}', n_resamples={BIG}, "
            "random_state=np.random.default_rng(12345)); sd over 20 seeds at n_resamples=20000",
            {"low": f(low), "high": f(high), "sdLow20k": f(np.std(reps[:, 0], ddof=1)),
             "sdHigh20k": f(np.std(reps[:, 1], ddof=1))})

json.dump(out, sys.stdout, indent=1)
print()
