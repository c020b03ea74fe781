"""Lesson 09 (ACGAN): diversity within each class (utils.judge) and the checkers."""
import numpy as np
import pytest

from utils import exercises


# --- lesson 09: diversity within each class -------------------------------------------------------------
def test_within_class_diversity(monkeypatch):
    from utils import judge

    feats = np.array([[0.0, 0.0], [3.0, 4.0], [1.0, 1.0], [1.0, 1.0], [9.0, 9.0]])
    monkeypatch.setattr(judge, "features", lambda x, j=None, v=None: feats)
    div = judge.within_class_diversity(np.zeros((5, 28, 28), "uint8"), [0, 0, 1, 1, 2], judge=object())
    np.testing.assert_allclose(div[:2], [5.0, 0.0])          # two images 5 apart; two identical ones
    assert np.isnan(div[2:]).all()                            # one image of 2, none of 3-9
    with pytest.raises(ValueError, match="labels must be digits"):
        judge.within_class_diversity(np.zeros((5, 28, 28), "uint8"), [0, 0, 1, 1, 12], judge=object())


def test_ex09_checkers(capsys):
    tf = pytest.importorskip("tensorflow")
    assert exercises.ex09_d_outputs(11)
    assert not exercises.ex09_d_outputs(10)
    assert "only one of the two heads" in capsys.readouterr().out
    assert exercises.ex09_label_input("CGAN") and exercises.ex09_label_input(" cgan ")
    assert not exercises.ex09_label_input("ACGAN") and not exercises.ex09_label_input(3)
    loss = lambda y, z: tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(y, z))
    assert exercises.ex09_class_loss(loss)
    assert not exercises.ex09_class_loss(lambda y, z: -np.mean(z[np.arange(len(y)), y]))
    assert "log softmax first" in capsys.readouterr().out
    assert not exercises.ex09_class_loss(lambda y, z: 1 / 0)
    assert not exercises.ex09_class_loss(...)
