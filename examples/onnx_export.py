"""
Deploying with ONNX: a Pipeline served by ONNX Runtime
======================================================

:func:`skdeep.to_onnx` converts a fitted skdeep estimator, or a
:class:`~sklearn.pipeline.Pipeline` that ends in one, into an `ONNX
<https://onnx.ai>`_ model: a file that ONNX Runtime runs from Python, C++, C#,
Java or JavaScript, with no Python and no skdeep at serving time. This example
fits a pipeline (a :class:`~sklearn.compose.ColumnTransformer` that scales the
numeric columns and one-hot encodes a text column, then a
:class:`~skdeep.DeepNetClassifier`) on a small table, exports it, runs the
file with ONNX Runtime, and checks that its labels are ``predict``'s and its
probabilities ``predict_proba``'s up to float32 rounding.

It needs the ``onnx`` extra (``pip install "scikit-deep[onnx]"``: skl2onnx,
onnx and onnxruntime) and takes about two seconds. :ref:`deploying` compares
ONNX with skdeep's own format, skops and pickle.
"""

import os
import tempfile

import numpy as np
import onnxruntime
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skdeep import DeepNetClassifier, to_onnx

# %%
# A table with numbers and text
# -----------------------------
# Flats, with their floor area, their age and their district; the label is
# the price band. Features in float32 (the scaled numbers, and the one-hot
# columns asked for in float32) give a float32 network, the precision a
# served model usually runs in.

rng = np.random.RandomState(0)
n = 600
flats = pd.DataFrame(
    {
        "area": rng.uniform(20, 140, n).astype(np.float32),
        "age": rng.uniform(0, 80, n).astype(np.float32),
        "district": rng.choice(["centre", "north", "south"], n),
    }
)
price = (
    flats["area"] * np.where(flats["district"] == "centre", 1.5, 1.0)
    - 0.4 * flats["age"]
    + rng.normal(0, 8, n)
)
band = np.select([price < 50, price < 100], ["low", "mid"], "high")
X_train, X_test, y_train, y_test = train_test_split(flats, band, random_state=0)

model = make_pipeline(
    ColumnTransformer(
        [
            ("numbers", StandardScaler(), ["area", "age"]),
            ("district", OneHotEncoder(dtype=np.float32), ["district"]),
        ]
    ),
    DeepNetClassifier(hidden_layer_sizes=(16,), random_state=0),
)
model.fit(X_train, y_train)
print(f"test accuracy: {model.score(X_test, y_test):.3f}")
print("the network's dtype:", model[-1].parameters_["W1"].dtype)

# %%
# Export
# ------
# A few rows of the training table tell :func:`~skdeep.to_onnx` the inputs:
# from a DataFrame, one input per column, named after it, of its type. By
# default a classifier's probabilities come out as one ``{label: probability}``
# dict per row (skl2onnx's ZipMap); ``options={"zipmap": False}`` gives them
# as one (n, n_classes) tensor instead, which is what most serving code wants.

onnx_model = to_onnx(model, X_train[:1], options={"zipmap": False})
path = os.path.join(tempfile.mkdtemp(), "flats.onnx")
with open(path, "wb") as file:
    file.write(onnx_model.SerializeToString())
print(f"{os.path.getsize(path):,} bytes")

# %%
# Serve
# -----
# ONNX Runtime loads the file and needs nothing else: no skdeep, no
# scikit-learn. Each input is a column of shape (n, 1).

session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
for node in session.get_inputs():
    print("input ", node.name, node.type, node.shape)
for node in session.get_outputs():
    print("output", node.name, node.type, node.shape)

feeds = {
    "area": X_test[["area"]].to_numpy(),
    "age": X_test[["age"]].to_numpy(),
    "district": X_test[["district"]].to_numpy().astype(object),
}
labels, probabilities = session.run(None, feeds)
print(labels[:5])
print(probabilities[:5].round(3))

# %%
# The same predictions
# --------------------
# The graph computes what ``predict`` computes, in the model's dtype (here
# float32): the labels are the same, and the probabilities differ by float32
# rounding, a few units of ``eps = 1.2e-7``.

same = np.array_equal(labels, model.predict(X_test))
difference = np.abs(probabilities - model.predict_proba(X_test)).max()
eps = np.finfo(np.float32).eps
print(f"labels equal to predict: {same}")
print(f"largest probability difference: {difference:.2g} ({difference / eps:.1f} eps)")

# %%
# With the default ZipMap
# -----------------------
# Without options, the outputs are those skl2onnx gives any scikit-learn
# classifier: ``output_label`` and ``output_probability``, a list of dicts.

session = onnxruntime.InferenceSession(
    to_onnx(model, X_train[:1]).SerializeToString(),
    providers=["CPUExecutionProvider"],
)
labels, rows = session.run(None, feeds)
print([output.name for output in session.get_outputs()])
print({label: round(p, 3) for label, p in rows[0].items()})
