# TP3 - Lucas M.
# variation: init_params(layer_dims) taking a list; forward_prop; backprop(X, Y, cache, parameters);
# compute_loss; update_params(params, grads, lr=0.05) with a default
import numpy as np

def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))

def init_params(layer_dims):
    np.random.seed(1)
    params = {}
    L = len(layer_dims)
    for l in range(1, L):
        lim = np.sqrt(1.0 / layer_dims[l - 1])
        params["W" + str(l)] = np.random.uniform(-lim, lim, (layer_dims[l], layer_dims[l - 1]))
        params["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return params

def forward_prop(X, params):
    Z1 = params["W1"] @ X + params["b1"]
    A1 = sigmoid(Z1)
    Z2 = params["W2"] @ A1 + params["b2"]
    A2 = sigmoid(Z2)
    cache = {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
    return A2, cache

def compute_loss(A2, Y):
    m = Y.shape[1]
    return -np.sum(Y * np.log(A2 + 1e-8) + (1 - Y) * np.log(1 - A2 + 1e-8)) / m

def backprop(X, Y, cache, parameters):
    m = X.shape[1]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dA1 = parameters["W2"].T @ dZ2
    dZ1 = dA1 * A1 * (1 - A1)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}

def update_params(params, grads, lr=0.05):
    new = {}
    for k in ("W1", "b1", "W2", "b2"):
        new[k] = params[k] - lr * grads["d" + k]
    return new

params = init_params([784, 64, 10])


def relu(Z):
    return np.maximum(0, Z)


def relu_derivative(Z):
    return (Z > 0).astype(float)
