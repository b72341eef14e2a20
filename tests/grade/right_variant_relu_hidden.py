# variation: notebook convention with a ReLU hidden layer (relu, relu_prime); forward returns (A2, cache dict)
import numpy as np

def relu(Z):
    return np.maximum(0, Z)

def relu_prime(Z):
    return (Z > 0).astype(Z.dtype)

def softmax(Z):
    Z = Z - np.max(Z, axis=1, keepdims=True)
    return np.exp(Z) / np.sum(np.exp(Z), axis=1, keepdims=True)

def init_params(nx, nh, ny):
    return {"W1": np.random.normal(0, 0.3, (nh, nx)), "b1": np.zeros((nh, 1)),
            "W2": np.random.normal(0, 0.3, (ny, nh)), "b2": np.zeros((ny, 1))}

def forward(params, X):
    Z1 = X @ params["W1"].T + params["b1"].T
    A1 = relu(Z1)
    Z2 = A1 @ params["W2"].T + params["b2"].T
    A2 = softmax(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2}

def loss_accuracy(Yhat, Y):
    return (-np.mean(np.sum(Y * np.log(Yhat + 1e-8), axis=1)),
            np.mean(Yhat.argmax(1) == Y.argmax(1)))

def backward(params, outputs, Y, X):
    A2, cache = outputs
    m = X.shape[0]
    dZ2 = A2 - Y
    dA1 = dZ2 @ params["W2"]
    dZ1 = dA1 * relu_prime(cache["Z1"])
    return {"W1": dZ1.T @ X / m, "b1": dZ1.mean(axis=0)[:, np.newaxis],
            "W2": dZ2.T @ cache["A1"] / m, "b2": dZ2.mean(axis=0)[:, np.newaxis],
            "dZ2": dZ2, "dA1": dA1, "dZ1": dZ1}

def sgd(params, grads, eta):
    return {k: v - eta * grads[k] for k, v in params.items()}
