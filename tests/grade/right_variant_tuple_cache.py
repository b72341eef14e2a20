# variation: forward_propagation returns (A2, cache) with cache a tuple (Z1, A1, Z2, A2);
# backward_propagation returns a tuple (dW1, db1, dW2, db2); update_parameters unpacks the tuple
import numpy as np

def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))

def initialize_parameters(n_x, n_h, n_y):
    W1 = np.random.uniform(-np.sqrt(1 / n_x), np.sqrt(1 / n_x), size=(n_h, n_x))
    W2 = np.random.uniform(-np.sqrt(1 / n_h), np.sqrt(1 / n_h), size=(n_y, n_h))
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}

def forward_propagation(X, parameters):
    Z1 = np.dot(parameters["W1"], X) + parameters["b1"]
    A1 = sigmoid(Z1)
    Z2 = np.dot(parameters["W2"], A1) + parameters["b2"]
    A2 = sigmoid(Z2)
    return A2, (Z1, A1, Z2, A2)

def compute_cost(A2, Y):
    m = Y.shape[1]
    logprobs = Y * np.log(A2 + 1e-8) + (1 - Y) * np.log(1 - A2 + 1e-8)
    return -np.sum(logprobs) / m

def backward_propagation(parameters, cache, X, Y):
    Z1, A1, Z2, A2 = cache
    m = X.shape[1]
    dZ2 = A2 - Y
    dW2 = 1 / m * np.dot(dZ2, A1.T)
    db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.dot(parameters["W2"].T, dZ2) * sigmoid(Z1) * (1 - sigmoid(Z1))
    dW1 = 1 / m * np.dot(dZ1, X.T)
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)
    return dW1, db1, dW2, db2

def update_parameters(parameters, grads, learning_rate):
    dW1, db1, dW2, db2 = grads
    return {"W1": parameters["W1"] - learning_rate * dW1,
            "b1": parameters["b1"] - learning_rate * db1,
            "W2": parameters["W2"] - learning_rate * dW2,
            "b2": parameters["b2"] - learning_rate * db2}


def relu(Z):
    return np.maximum(0, Z)


def relu_derivative(Z):
    return (Z > 0).astype(float)
