"""The NumPy/SciPy/scikit-learn/psutil/optuna rules on malformed and unusual calls: no crash, output parses,
a second run changes nothing."""

from __future__ import annotations

import ast

import pytest

from finfix import registry
from finfix.engine.core import fix_source

ODD = [
    "import numpy as np\nnp.in1d(*a); np.in1d(); np.msort(); np.msort(a, b); np.asfarray(); np.asfarray(a, b, c)\n"
    "np.find_common_type(); np.cast[a, b](x); np.cast[a](); np.nbytes[a:b]; np.disp(); np.disp(a, b, c, d)\n"
    "np.recfromcsv(); np.fastCopyAndTranspose(); np.obj2sctype(); np.sctype2char(a, b); np.reshape(newshape=3)\n"
    "np.sum(); np.source(); x.ptp; np.percentile(a, interpolation=m); np.NINF.real; f(np.NINF)[0]\n"
    "isinstance(x, np.bool, 3); np.zeros(); np.dtype(); a.astype(); type(a) == np.long\n",
    "import scipy.signal as sig\nfrom scipy import integrate, stats\nsig.firwin(); sig.firwin(1)\n"
    "sig.firwin(1, 2, 3, 4, 5, 6, 7, 8, 9); sig.remez(1, 2, 3, 4, 5); sig.firwin2(1, 2, 3, nyq=(4))\n"
    "sig.cwt(); sig.cwt(a, sig.ricker); integrate.simps(); integrate.romberg(); stats.binom_test()\n",
    "from sklearn.cluster import KMeans\nKMeans(*a); KMeans(algorithm=f'full'); KMeans(**kw)\n",
    "import optuna, psutil\nfrom optuna.distributions import IntLogUniformDistribution as I, DiscreteUniformDistribution as D\n"
    "I(); I(1); D(); D(1, 2, 3, 4); optuna.create_study(*a); optuna.samplers.TPESampler(**k)\n"
    "def o(trial: optuna.Trial):\n    trial.suggest_uniform(); trial.suggest_int('a'); trial.suggest_int('n', 1, 2, 3, True, 5)\n"
    "psutil.get_process_list(1); psutil.cached_phymem; p = psutil.Process(); p.name.upper; p.parent.pid\n",
]


@pytest.mark.parametrize("unsafe", [False, True])
@pytest.mark.parametrize("source", ODD, ids=["numpy", "scipy", "sklearn", "optuna-psutil"])
def test_odd_calls(source, unsafe):
    rules = registry.select(["FX4", "FX5"])
    out, _ = fix_source(source, rules, unsafe=unsafe)
    ast.parse(out)
    assert fix_source(out, rules, unsafe=unsafe)[0] == out
