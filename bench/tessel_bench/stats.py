"""Small statistics helpers, kept free of third-party packages."""

import statistics


def median(values):
    """Median of a non-empty sequence; the mean of the two middle values for even counts."""
    return statistics.median(values)


def ranks(values):
    """1-based ranks of `values`; tied values all get the average of the ranks they span."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    result = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        average_rank = (start + end) / 2 + 1
        for position in range(start, end + 1):
            result[order[position]] = average_rank
        start = end + 1
    return result


def pearson(xs, ys):
    """Pearson correlation of two equally long sequences; None when either is constant."""
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    covariance = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
    spread_x = sum((x - mean_x) ** 2 for x in xs)
    spread_y = sum((y - mean_y) ** 2 for y in ys)
    if spread_x == 0 or spread_y == 0:
        return None
    return covariance / (spread_x * spread_y) ** 0.5


def spearman(xs, ys):
    """Spearman rank correlation (Pearson correlation of the ranks, ties averaged).

    None for fewer than two pairs or when one side has a single distinct value."""
    if len(xs) != len(ys):
        raise ValueError("spearman needs two sequences of the same length")
    if len(xs) < 2:
        return None
    return pearson(ranks(xs), ranks(ys))
