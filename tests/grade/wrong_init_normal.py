# ERREUR VOLONTAIRE (fixture de test) : initialize_parameters tire les poids
# avec np.random.randn (N(0, 1)) au lieu de Xavier uniforme.
# TP 3 - Retropropagation a la main
# Binome : Camille D. / Yanis B.
import numpy as np
import matplotlib.pyplot as plt


# ---------- Fonctions d'activation ----------

def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def relu(Z):
    return np.maximum(0, Z)


def relu_derivative(Z):
    # 1 si Z > 0, 0 sinon
    return (Z > 0).astype(float)


def tanh(Z):
    return np.tanh(Z)


# ---------- Initialisation ----------

def initialize_parameters(n_x, n_h, n_y):
    # Xavier uniforme : U(-sqrt(1/n_entree), +sqrt(1/n_entree))
    lim1 = np.sqrt(1 / n_x)
    lim2 = np.sqrt(1 / n_h)
    W1 = np.random.randn(n_h, n_x)
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h)
    b2 = np.zeros((n_y, 1))
    parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    return parameters


# ---------- Propagation avant ----------

def forward_propagation(X, parameters):
    W1 = parameters["W1"]
    b1 = parameters["b1"]
    W2 = parameters["W2"]
    b2 = parameters["b2"]

    Z1 = np.dot(W1, X) + b1
    A1 = sigmoid(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = sigmoid(Z2)

    cache = {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
    return A2, cache


# ---------- Cout ----------

def compute_cost(A2, Y):
    m = Y.shape[1]
    eps = 1e-8
    cost = -(1 / m) * np.sum(Y * np.log(A2 + eps) + (1 - Y) * np.log(1 - A2 + eps))
    return float(cost)


# ---------- Retropropagation ----------

def back_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W2 = parameters["W2"]
    A1 = cache["A1"]
    A2 = cache["A2"]

    dZ2 = A2 - Y
    dW2 = (1 / m) * np.dot(dZ2, A1.T)
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    dZ1 = dA1 * A1 * (1 - A1)
    dW1 = (1 / m) * np.dot(dZ1, X.T)
    db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)

    grads = {"dZ2": dZ2, "dW2": dW2, "db2": db2,
             "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}
    return grads


# ---------- Mise a jour ----------

def update_parameters(parameters, grads, learning_rate):
    W1 = parameters["W1"] - learning_rate * grads["dW1"]
    b1 = parameters["b1"] - learning_rate * grads["db1"]
    W2 = parameters["W2"] - learning_rate * grads["dW2"]
    b2 = parameters["b2"] - learning_rate * grads["db2"]
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


# ---------- Entrainement ----------

data = np.load("mnist.npz")
X_train = data["x_train"].reshape(-1, 784).T / 255.0   # (784, m)
y_train = data["y_train"]
Y_train = np.eye(10)[y_train].T                        # (10, m)

parameters = initialize_parameters(784, 64, 10)
costs = []
for epoch in range(10):
    A2, cache = forward_propagation(X_train, parameters)
    cost = compute_cost(A2, Y_train)
    grads = back_propagation(parameters, cache, X_train, Y_train)
    parameters = update_parameters(parameters, grads, 0.5)
    costs.append(cost)
    print("epoch", epoch, "cout", cost)

plt.plot(costs)
plt.xlabel("epoch")
plt.ylabel("cout")
plt.title("Courbe d'apprentissage")
plt.show()
