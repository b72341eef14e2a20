# variation: initialize_parameters returns a tuple (W1, b1, W2, b2); every function takes that tuple;
# update_parameters(parameters, grads, learning_rate=0.1) updates in place and returns nothing
import numpy as np

def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))

def initialize_parameters(n_x, n_h, n_y):
    W1 = np.random.uniform(-np.sqrt(1 / n_x), np.sqrt(1 / n_x), (n_h, n_x))
    b1 = np.zeros((n_h, 1))
    W2 = np.random.uniform(-np.sqrt(1 / n_h), np.sqrt(1 / n_h), (n_y, n_h))
    b2 = np.zeros((n_y, 1))
    return W1, b1, W2, b2

def forward_propagation(X, parameters):
    W1, b1, W2, b2 = parameters
    Z1 = W1 @ X + b1
    A1 = sigmoid(Z1)
    Z2 = W2 @ A1 + b2
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}

def compute_cost(A2, Y):
    m = Y.shape[1]
    return -(1 / m) * np.sum(Y * np.log(A2 + 1e-8) + (1 - Y) * np.log(1 - A2 + 1e-8))

def back_propagation(parameters, cache, X, Y):
    W1, b1, W2, b2 = parameters
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dW2 = (1 / m) * dZ2 @ cache["A1"].T
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = (W2.T @ dZ2) * cache["A1"] * (1 - cache["A1"])
    dW1 = (1 / m) * dZ1 @ X.T
    db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}

def update_parameters(parameters, grads, learning_rate=0.1):
    W1, b1, W2, b2 = parameters
    W1 -= learning_rate * grads["dW1"]
    b1 -= learning_rate * grads["db1"]
    W2 -= learning_rate * grads["dW2"]
    b2 -= learning_rate * grads["db2"]


def relu(Z):
    return np.maximum(0, Z)


def relu_derivative(Z):
    return (Z > 0).astype(float)
