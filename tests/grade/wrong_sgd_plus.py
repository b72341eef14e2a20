# MISTAKE (test fixture): sgd does p += eta * g (gradient ascent).
#!/usr/bin/env python
# coding: utf-8
# Exported from TP_MLP_MNIST.ipynb
# Two-layer MLP on MNIST, examples are rows: X is (m, 784), Y is (m, 10).

import numpy as np
from tensorflow.keras.datasets import mnist
import matplotlib.pyplot as plt


# ## Activations

def sigmoid(Z):
    return 1.0 / (1.0 + np.exp(-Z))


def relu(Z):
    return np.maximum(0, Z)


def relu_derivative(Z):
    return np.where(Z > 0, 1.0, 0.0)


def softmax(Z):
    # stable softmax over each row
    Z = Z - np.max(Z, axis=1, keepdims=True)
    E = np.exp(Z)
    return E / np.sum(E, axis=1, keepdims=True)


# ## Parameters

def init_params(nx, nh, ny):
    params = {}
    params["W1"] = np.random.normal(0, 0.3, (nh, nx))
    params["b1"] = np.zeros((nh, 1))
    params["W2"] = np.random.normal(0, 0.3, (ny, nh))
    params["b2"] = np.zeros((ny, 1))
    return params


# ## Forward pass

def forward(params, X):
    Z1 = X @ params["W1"].T + params["b1"].T
    A1 = np.tanh(Z1)
    Z2 = A1 @ params["W2"].T + params["b2"].T
    A2 = softmax(Z2)
    return A2, Z1, A1


def loss_accuracy(Yhat, Y):
    loss = -np.mean(np.sum(Y * np.log(Yhat + 1e-8), axis=1))
    accuracy = np.mean(np.argmax(Yhat, axis=1) == np.argmax(Y, axis=1))
    return loss, accuracy


# ## Backward pass

def backward(params, outputs, Y, X):
    A2, Z1, A1 = outputs
    m = X.shape[0]
    nh = A1.shape[1]

    dZ2 = A2 - Y                                   # (m, 10)
    dW2 = dZ2.T @ A1 / m                           # (10, nh)
    db2 = np.sum(dZ2, axis=0, keepdims=True).T / m # (10, 1)
    dA1 = dZ2 @ params["W2"]                       # (m, nh)
    dZ1 = dA1 * (1 - A1 ** 2)                      # tanh' = 1 - tanh^2
    dW1 = dZ1.T @ X / m                            # (nh, 784)
    db1 = np.sum(dZ1, axis=0).reshape(nh, 1) / m   # (nh, 1)

    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2,
            "dZ2": dZ2, "dA1": dA1, "dZ1": dZ1}


def sgd(params, grads, eta):
    for p in ["W1", "b1", "W2", "b2"]:
        params[p] += eta * grads[p]
    return params


# ## Data

(x_train, y_train), (x_test, y_test) = mnist.load_data()
X_train = x_train.reshape(-1, 784).astype("float32") / 255.0
X_test = x_test.reshape(-1, 784).astype("float32") / 255.0
Y_train = np.eye(10)[y_train]
Y_test = np.eye(10)[y_test]

# ## Training

params = init_params(784, 100, 10)
batch_size = 128
eta = 0.05
history = []
for epoch in range(10):
    perm = np.random.permutation(X_train.shape[0])
    for i in range(0, X_train.shape[0], batch_size):
        idx = perm[i:i + batch_size]
        Xb, Yb = X_train[idx], Y_train[idx]
        outputs = forward(params, Xb)
        grads = backward(params, outputs, Yb, Xb)
        params = sgd(params, grads, eta)
    Yhat, _, _ = forward(params, X_test)
    loss, acc = loss_accuracy(Yhat, Y_test)
    history.append((loss, acc))
    print(f"epoch {epoch}: loss {loss:.4f} acc {acc:.4f}")

plt.plot([h[0] for h in history], label="loss")
plt.plot([h[1] for h in history], label="accuracy")
plt.legend()
plt.show()
