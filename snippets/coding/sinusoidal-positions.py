# --8<-- [start:signature]
import numpy as np


def sinusoidal_positions(n_positions: int, d_model: int) -> np.ndarray:
    """The sinusoidal position encodings of Vaswani et al. (2017),
    (n_positions, d_model), d_model even: PE[p, 2i] = sin(p / 10000^(2i / d_model))
    and PE[p, 2i + 1] = cos(p / 10000^(2i / d_model))."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def sinusoidal_positions(n_positions: int, d_model: int) -> np.ndarray:
    positions = np.arange(n_positions)[:, None]  # (n, 1)
    freqs = 10000.0 ** (-np.arange(0, d_model, 2) / d_model)  # (d / 2,), one per pair
    angles = positions * freqs  # (n, d / 2) by broadcasting
    pe = np.empty((n_positions, d_model))
    pe[:, 0::2], pe[:, 1::2] = np.sin(angles), np.cos(angles)
    return pe


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np


def test_sinusoidal_positions_worked_example():
    pe = sinusoidal_positions(3, 4)
    expected = [
        [0.0, 1.0, 0.0, 1.0],
        [np.sin(1), np.cos(1), np.sin(0.01), np.cos(0.01)],
        [np.sin(2), np.cos(2), np.sin(0.02), np.cos(0.02)],
    ]
    np.testing.assert_allclose(pe, expected, atol=1e-12)


def test_sinusoidal_positions_shift_is_a_rotation_of_each_pair():
    # PE[p + k] is PE[p] rotated pair by pair by an angle that depends on k only:
    # what lets attention read relative positions from a linear map
    d, k = 16, 7
    pe = sinusoidal_positions(50, d)
    freqs = 10000.0 ** (-np.arange(0, d, 2) / d)
    for i, w in enumerate(freqs):
        c, s = np.cos(k * w), np.sin(k * w)
        rotation = np.array([[c, -s], [s, c]])  # acts on (sin, cos) as a row vector
        pair = pe[:, 2 * i : 2 * i + 2]
        np.testing.assert_allclose(pair[:-k] @ rotation, pair[k:], atol=1e-10)


def test_sinusoidal_positions_shape_and_range():
    pe = sinusoidal_positions(1000, 64)
    assert pe.shape == (1000, 64)
    assert np.abs(pe).max() <= 1.0
    assert len(np.unique(pe.round(6), axis=0)) == 1000  # every position distinct


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_sinusoidal_positions_worked_example,
    test_sinusoidal_positions_shift_is_a_rotation_of_each_pair,
    test_sinusoidal_positions_shape_and_range,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
print(sinusoidal_positions(3, 4).round(5))
# --8<-- [end:check]
