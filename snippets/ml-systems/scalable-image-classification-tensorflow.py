import json
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(0)

# 1797 8x8 grey-scale digits that ship with scikit-learn, scaled to [0, 1].
X, y = load_digits(return_X_y=True)
X = (X / 16.0).reshape(-1, 8, 8, 1).astype("float32")
X_tr, X_te, y_tr, y_te = train_test_split(
    X, y, test_size=0.25, random_state=0, stratify=y
)

model = keras.Sequential(
    [
        keras.Input(shape=(8, 8, 1)),
        keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.25),
        keras.layers.Dense(10, activation="softmax"),
    ]
)
model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(X_tr, y_tr, epochs=20, batch_size=32, verbose=0)
print(f"test accuracy: {model.evaluate(X_te, y_te, verbose=0)[1]:.3f}")

# Export a SavedModel, the format TF Serving loads (<base>/<model>/<version>/).
export_dir = Path(tempfile.mkdtemp()) / "digits" / "1"
model.export(str(export_dir), verbose=False)
loaded = tf.saved_model.load(str(export_dir))
print(f"SavedModel signatures: {sorted(loaded.signatures.keys())}")
reloaded = loaded.serve(tf.constant(X_te)).numpy()
print(
    "reloaded model matches Keras: "
    f"{np.allclose(reloaded, model.predict(X_te, verbose=0), atol=1e-6)}"
)


class Handler(BaseHTTPRequestHandler):
    """The TF Serving REST predict API: POST /v1/models/<name>:predict, row format."""

    def do_POST(self):
        if self.path != "/v1/models/digits:predict":
            self.send_error(404)
            return
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        batch = tf.constant(np.asarray(body["instances"], dtype="float32"))
        reply = json.dumps(
            {"predictions": loaded.serve(batch).numpy().tolist()}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = f"http://127.0.0.1:{server.server_address[1]}/v1/models/digits:predict"


def predict(instances):
    data = json.dumps({"instances": instances.tolist()}).encode()
    req = urllib.request.Request(url, data, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return np.array(json.loads(resp.read())["predictions"])


try:
    probs = predict(X_te[:3])
    print(f"request: {{'instances': [3 images of shape {list(X_te.shape[1:])}]}}")
    print(
        f"response: 'predictions' of shape {list(probs.shape)}, argmax "
        f"{probs.argmax(1).tolist()}, labels {y_te[:3].tolist()}"
    )
    served = predict(X_te).argmax(1)
    print(f"served accuracy over HTTP: {np.mean(served == y_te):.3f}")

    # Batching: 64 images in one request versus 64 requests of one image.
    images = X_te[:64]
    one_by_one, batched = [], []
    for _ in range(3):
        t = time.perf_counter()
        for i in range(64):
            predict(images[i : i + 1])
        one_by_one.append(time.perf_counter() - t)
        t = time.perf_counter()
        predict(images)
        batched.append(time.perf_counter() - t)
    ratio = np.median(one_by_one) / np.median(batched)
    print(f"ratio {ratio:.1f}", file=sys.stderr)
    print(
        f"one request of 64 is at least 3x faster than 64 requests of 1: {ratio >= 3}"
    )
finally:
    server.shutdown()
    server.server_close()
