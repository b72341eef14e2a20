# variation: cache dict with lowercase keys z1, a1, z2, a2; grads dict keyed dw1, db1, dw2, db2;
# initialise_parameters (British spelling)
import numpy as np

def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))

def initialise_parameters(n_x, n_h, n_y):
    a, c = np.sqrt(1 / n_x), np.sqrt(1 / n_h)
    return {"W1": np.random.uniform(-a, a, (n_h, n_x)), "b1": np.zeros((n_h, 1)),
            "W2": np.random.uniform(-c, c, (n_y, n_h)), "b2": np.zeros((n_y, 1))}

def forward_propagation(X, parameters):
    z1 = parameters["W1"] @ X + parameters["b1"]
    a1 = sigmoid(z1)
    z2 = parameters["W2"] @ a1 + parameters["b2"]
    a2 = sigmoid(z2)
    return a2, {"z1": z1, "a1": a1, "z2": z2, "a2": a2}

def compute_cost(A2, Y):
    m = Y.shape[1]
    return float(-(1 / m) * np.sum(Y * np.log(A2 + 1e-8) + (1 - Y) * np.log(1 - A2 + 1e-8)))

def back_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    a1, a2 = cache["a1"], cache["a2"]
    dz2 = a2 - Y
    dw2 = dz2 @ a1.T / m
    db2 = dz2.sum(axis=1, keepdims=True) / m
    da1 = parameters["W2"].T @ dz2
    dz1 = da1 * a1 * (1 - a1)
    dw1 = dz1 @ X.T / m
    db1 = dz1.sum(axis=1, keepdims=True) / m
    return {"dw1": dw1, "db1": db1, "dw2": dw2, "db2": db2, "dz2": dz2, "da1": da1, "dz1": dz1}

def update_parameters(parameters, grads, learning_rate):
    return {k: parameters[k] - learning_rate * grads["d" + k.lower()] for k in parameters}


def relu(Z):
    return np.maximum(0, Z)


def relu_derivative(Z):
    return (Z > 0).astype(float)
