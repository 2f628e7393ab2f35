"""The morning report: return distributions, price charts, a correlation heatmap and the P&L image.

Plotting libraries are optional for the rest of quantdesk, so each function imports them when it runs.
"""

from __future__ import annotations


def returns_distribution(returns, ax=None):
    """Daily returns as a density histogram with a KDE: the classic distplot."""
    import seaborn as sns

    ax = sns.distplot(returns, ax=ax, axlabel="Daily return")
    return ax


def return_counts(returns, bins: int = 40):
    """How many days fell in each return bucket (counts, no KDE)."""
    import seaborn

    return seaborn.distplot(returns, bins=bins, kde=False, color="steelblue")


def tail_density(returns, ax):
    """The KDE alone, filled, with a rug of the observations."""
    import seaborn as sns

    sns.distplot(returns, hist=False, rug=True, kde_kws={"shade": True, "bw": 0.2}, color="firebrick", ax=ax)
    return ax


def strategy_grid(frame):
    """One panel per strategy. `displot` is the modern figure-level function: finfix leaves it alone."""
    import seaborn as sns

    return sns.displot(frame, x="ret", col="strategy", kde=True)


def price_chart(days, closes, path: str) -> None:
    """Closing prices as dots on a date axis."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.style.use("seaborn-whitegrid")
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.plot_date(days, closes)
    ax.set_title("Close")
    fig.savefig(path)
    plt.close(fig)


def correlation_heatmap(corr, ax):
    """Sector correlations on a diverging colormap with 11 levels."""
    import matplotlib
    from matplotlib import cm
    import matplotlib.pyplot as plt

    cmap = cm.get_cmap("RdYlGn", 11)
    ax.imshow(corr, cmap=cmap, vmin=-1, vmax=1)
    # pyplot still has get_cmap: finfix leaves this one alone
    ax.figure.colorbar(ax.images[0], ax=ax, cmap=plt.get_cmap("RdYlGn"))
    return ax


def pnl_boxes(pnl_by_desk: dict, path: str) -> None:
    """P&L per desk as horizontal box plots."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.boxplot(list(pnl_by_desk.values()), labels=list(pnl_by_desk), vert=False)
    fig.savefig(path)
    plt.close(fig)


def pnl_image(pnl, path: str) -> None:
    """The cumulative P&L line as a PNG for the morning e-mail."""
    import plotly.express as px

    fig = px.line(pnl.cumsum(), title="Cumulative P&L")
    fig.write_image(path, engine="kaleido")
