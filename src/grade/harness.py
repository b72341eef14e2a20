# The grading harness: runs in its own Python process (started by `backprop grade`), never in
# backprop's. It reads one JSON request on standard input (the student's code cells and the
# numbers to give the student's functions), keeps only the definitions of the student's code
# (imports, functions, classes, constant assignments), calls each function the lab asks for,
# and writes one JSON line per step on the file descriptor it was given, so that a step that
# loops or crashes still leaves the steps before it. backprop compares what comes back with
# Burn; nothing is compared here.
import ast
import copy
import inspect
import io
import json
import math
import os
import signal
import sys
import time
import traceback
import types
import warnings

# The protocol goes to a copy of standard output, made before the student's prints are sent
# to a file.
PROTOCOL = os.fdopen(os.dup(1), "w", buffering=1)
STUDENT_OUTPUT = "student-output.txt"
OUTPUT_KEPT = 4000


def emit(record):
    PROTOCOL.write(json.dumps(record, allow_nan=False) + "\n")
    PROTOCOL.flush()


# ---- the names a lab uses -------------------------------------------------------------------

FUNCTIONS = {
    "init": ["initialize_parameters", "initialise_parameters", "init_params", "init_parameters",
             "initialize_params", "initialise_params", "initialize_weights", "init_weights",
             "initialization", "initialisation"],
    "forward": ["forward_propagation", "forward_prop", "forward_pass", "propagation_avant",
                "forward"],
    "backward": ["back_propagation", "backward_propagation", "backpropagation", "back_prop",
                 "backward_prop", "backprop", "backward_pass", "retropropagation", "backward"],
    "loss": ["compute_cost", "compute_loss", "loss_accuracy", "cost", "loss", "cost_function",
             "loss_function", "binary_cross_entropy", "cross_entropy", "bce", "cross_entropy_loss"],
    "accuracy": ["accuracy", "compute_accuracy", "get_accuracy"],
    "sgd": ["update_parameters", "update_params", "sgd", "sgd_step", "gradient_descent",
            "update_weights", "update"],
    "sigmoid": ["sigmoid"],
    "relu": ["relu", "ReLU"],
    "relu_derivative": ["relu_derivative", "relu_deriv", "relu_prime", "drelu", "d_relu",
                        "derivative_relu", "relu_backward", "relu_grad"],
    "tanh": ["tanh"],
    "softmax": ["softmax"],
}

ALIASES = {
    "X": ["X", "x", "X_batch", "x_batch", "inputs", "A0", "a0", "data", "X_train", "x_train"],
    "Y": ["Y", "y", "Y_batch", "y_batch", "labels", "targets", "Y_true", "y_true", "Y_train",
          "y_train", "Y_onehot", "y_onehot"],
    "parameters": ["parameters", "params", "parametres", "parameter", "weights", "param", "p",
                   "theta", "network", "model"],
    "cache": ["cache", "outputs", "output", "caches", "forward_cache", "cache_values", "out",
              "activations", "values"],
    "learning_rate": ["learning_rate", "eta", "lr", "alpha", "step_size", "rate", "taux"],
    "grads": ["grads", "gradients", "grad", "g", "dparams", "d_params", "derivatives"],
    "A2": ["A2", "a2", "Yhat", "Y_hat", "y_hat", "yhat", "AL", "A", "a", "predictions", "y_pred",
           "Y_pred", "probs", "probas", "prediction", "output_probs"],
    "Z": ["Z", "z", "x", "X", "s", "v", "values", "logits"],
    "nx": ["nx", "n_x", "n_in", "input_size", "n_input", "ni", "n0", "input_dim"],
    "nh": ["nh", "n_h", "hidden_size", "n_hidden", "hidden", "n1", "hidden_dim"],
    "ny": ["ny", "n_y", "n_out", "output_size", "n_output", "no", "n2", "output_dim"],
    "dims": ["layer_dims", "layers_dims", "layer_sizes", "dims", "sizes", "layers"],
}

# Positional order used for a parameter whose name is none of the above.
ORDERS = {
    ("init", "handout"): ["nx", "nh", "ny"],
    ("init", "notebook"): ["nx", "nh", "ny"],
    ("forward", "handout"): ["X", "parameters"],
    ("forward", "notebook"): ["parameters", "X"],
    ("backward", "handout"): ["parameters", "cache", "X", "Y"],
    ("backward", "notebook"): ["parameters", "cache", "Y", "X"],
    ("loss", "handout"): ["A2", "Y"],
    ("loss", "notebook"): ["A2", "Y"],
    ("accuracy", "handout"): ["A2", "Y"],
    ("accuracy", "notebook"): ["A2", "Y"],
    ("sgd", "handout"): ["parameters", "grads", "learning_rate"],
    ("sgd", "notebook"): ["parameters", "grads", "learning_rate"],
}
for name in ["sigmoid", "relu", "relu_derivative", "tanh", "softmax"]:
    ORDERS[(name, "handout")] = ["Z"]
    ORDERS[(name, "notebook")] = ["Z"]


# ---- running the student's code, definitions only --------------------------------------------

class Stub(types.ModuleType):
    """Stands for a module the grader does not have (tensorflow, matplotlib...): any use of it
    inside a graded function raises, with the module's name."""

    def __init__(self, name):
        super().__init__(name)
        self.__stub_name = name

    def __getattr__(self, attribute):
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return Stub(self.__stub_name + "." + attribute)

    def __call__(self, *args, **kwargs):
        raise RuntimeError(self.__stub_name + " is not available while grading")


def describe_statement(node):
    kinds = {ast.For: "for loop", ast.While: "while loop", ast.If: "if block",
             ast.With: "with block", ast.Try: "try block", ast.Expr: "expression",
             ast.Delete: "del", ast.AugAssign: "assignment", ast.Assign: "assignment",
             ast.AnnAssign: "assignment", ast.Return: "return"}
    text = kinds.get(type(node), type(node).__name__)
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        text = "call"
    return text


def is_constant_expression(node):
    """True for a value that is computed from literals, names and arithmetic only (no call,
    no attribute load from a module: `eps = 1e-8`, `n_h = 132`, `sizes = [784, 132, 10]`)."""
    for child in ast.walk(node):
        if isinstance(child, (ast.Call, ast.Lambda, ast.ListComp, ast.DictComp, ast.SetComp,
                              ast.GeneratorExp, ast.Await, ast.Yield, ast.YieldFrom,
                              ast.NamedExpr, ast.Subscript, ast.Attribute)):
            return False
    return True


def kept(node):
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)):
        return True
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        return is_constant_expression(node.value)
    return False


def run_import(node, namespace, cell, stubbed):
    try:
        code = compile(ast.Module(body=[node], type_ignores=[]), "<cell %d>" % cell, "exec")
        exec(code, namespace)
    except Exception as error:  # a module the grader has no use for: stand it in
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            full = alias.name if isinstance(node, ast.Import) else \
                "%s.%s" % (node.module or "", alias.name)
            namespace[bound] = Stub(full)
        stubbed.append({"cell": cell, "line": node.lineno,
                        "module": ast.unparse(node), "error": one_line(error)})


def load(cells):
    namespace = {"__name__": "student", "__builtins__": __builtins__}
    report = {"kind": "load", "cells": [], "skipped": [], "stubbed": [], "failed": []}
    for cell in cells:
        index, source = cell["index"], cell["source"]
        try:
            tree = ast.parse(source, filename="<cell %d>" % index)
        except SyntaxError as error:
            report["cells"].append({"index": index, "status": "syntax error",
                                    "message": "line %s: %s" % (error.lineno, error.msg)})
            continue
        except (ValueError, RecursionError, MemoryError) as error:
            report["cells"].append({"index": index, "status": "syntax error",
                                    "message": one_line(error)})
            continue
        for node in tree.body:
            if not kept(node):
                report["skipped"].append({"cell": index, "line": node.lineno,
                                          "what": describe_statement(node)})
                continue
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                run_import(node, namespace, index, report["stubbed"])
                continue
            try:
                with limited(5.0):
                    code = compile(ast.Module(body=[node], type_ignores=[]),
                                   "<cell %d>" % index, "exec")
                    exec(code, namespace)
            except BaseException as error:  # a definition that fails (a decorator, a name)
                if isinstance(error, (KeyboardInterrupt, SystemExit)):
                    error = RuntimeError(type(error).__name__)
                report["failed"].append({"cell": index, "line": node.lineno,
                                         "error": one_line(error)})
        report["cells"].append({"index": index, "status": "ok", "message": ""})
    return namespace, report


# ---- calling a function with a time limit -----------------------------------------------------

class TimeLimit(Exception):
    pass


class limited:
    def __init__(self, seconds):
        self.seconds = seconds

    def __enter__(self):
        def expire(signum, frame):
            raise TimeLimit()
        self.previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc):
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.previous)
        return False


def one_line(error):
    text = "%s: %s" % (type(error).__name__, error)
    return " ".join(text.split())[:300]


def where(error):
    """The student's own line where an error was raised, e.g. `cell 3, line 12`."""
    place = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.startswith("<cell "):
            place = "%s, line %d" % (frame.filename[1:-1], frame.lineno)
    return place


def bind(role, function, convention, values):
    """Arguments for `function` from `values` (role → value), by the parameters' names, then by
    the convention's order for names the grader does not know. Returns (args, binding, missing)."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return None, {}, ["its signature cannot be read"]
    parameters = [p for p in signature.parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    order = [r for r in ORDERS[(role, convention)] if r in values]
    if role == "init" and len(parameters) == 1:
        return {parameters[0].name: values["dims"]}, {parameters[0].name: "dims"}, []
    binding, used = {}, set()
    for p in parameters:
        for r in order:
            if r not in used and p.name in ALIASES[r]:
                binding[p.name] = r
                used.add(r)
                break
    by_position = [r for r in order if r not in used]
    missing = []
    for p in parameters:
        if p.name in binding:
            continue
        if p.default is not p.empty:
            continue
        if by_position:
            binding[p.name] = by_position.pop(0)
        else:
            missing.append(p.name)
    args = [values[binding[p.name]] for p in parameters if p.name in binding]
    names = [p.name for p in parameters if p.name in binding]
    # keyword calls keep a parameter with a default untouched
    return dict(zip(names, args)), binding, missing


def call(role, function, convention, values, seconds):
    """Calls the student's function; returns (result, record) where the record says how."""
    record = {"function": function.__name__, "warnings": []}
    kwargs, binding, missing = bind(role, function, convention, values)
    record["binding"] = binding
    if missing or kwargs is None:
        record["error"] = "cannot bind parameter%s %s (expected names such as %s)" % (
            "s" if len(missing) > 1 else "", ", ".join(missing),
            ", ".join(ALIASES[r][0] for r in ORDERS[(role, convention)]))
        return None, record
    started = time.monotonic()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with limited(seconds):
                result = function(**kwargs)
        except TimeLimit:
            record["error"] = "did not return within %g s (an endless loop?)" % seconds
            return None, record
        except MemoryError as error:
            record["error"] = "ran out of memory (%s)" % one_line(error)
            return None, record
        except RecursionError:
            record["error"] = "RecursionError: endless recursion"
            return None, record
        except BaseException as error:
            if isinstance(error, KeyboardInterrupt):
                raise
            record["error"] = one_line(error)
            place = where(error)
            if place:
                record["error"] += " (%s)" % place
            return None, record
        finally:
            record["seconds"] = round(time.monotonic() - started, 4)
    seen = []
    for w in caught:
        text = "%s: %s" % (w.category.__name__, w.message)
        if text not in seen:
            seen.append(text)
    record["warnings"] = seen[:5]
    return result, record


# ---- values, in a form backprop reads -------------------------------------------------------

def encode(value, depth=0):
    import numpy as np
    if depth > 3:
        return {"type": type(value).__name__, "repr": "(nested too deep)"}
    if isinstance(value, (bool, np.bool_)):
        return {"type": "bool", "repr": repr(bool(value))}
    if isinstance(value, (int, float, np.integer, np.floating)):
        value = np.asarray(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biuf" and value.size <= 2_000_000:
            flat = value.astype(np.float64).ravel().tolist()
            data = [x if math.isfinite(x) else ("nan" if x != x else ("inf" if x > 0 else "-inf"))
                    for x in flat]
            return {"shape": list(value.shape), "data": data}
        return {"type": "ndarray of " + str(value.dtype), "repr": "shape %s" % (value.shape,)}
    if isinstance(value, dict):
        return {"type": "dict", "keys": {str(k): encode(v, depth + 1)
                                         for k, v in list(value.items())[:32]}}
    if isinstance(value, (tuple, list)):
        items = [encode(v, depth + 1) for v in value[:16]]
        return {"type": type(value).__name__, "items": items}
    text = repr(value)
    return {"type": type(value).__name__, "repr": text[:200]}


def array(value):
    import numpy as np
    return np.array(value, dtype=np.float64)


def looks_like_array(value):
    import numpy as np
    return isinstance(value, np.ndarray) or isinstance(value, (float, int, np.floating))


# ---- the lab's steps ------------------------------------------------------------------------

def key_of(name):
    return name.replace("[", "").replace("]", "").replace("_", "").lower()


def find_key(mapping, wanted):
    """The key of `mapping` that names `wanted` (`Z1`, `dW2`...): exact, then case- and
    bracket-insensitive (`z1`, `Z[1]`)."""
    if not isinstance(mapping, dict):
        return None
    if wanted in mapping:
        return wanted
    for k in mapping:
        if isinstance(k, str) and key_of(k) == key_of(wanted):
            return k
    return None


FORWARD_NAMES = ["Z1", "A1", "Z2", "A2"]


def by_closeness(arrays, references):
    """Names for `arrays` (index → array) from `references` (name → array in the student's
    layout), each array to the nearest same-shaped reference not yet taken."""
    import numpy as np
    scored = []
    for i, a in arrays.items():
        for n, r in references.items():
            if np.shape(a) == np.shape(r):
                with np.errstate(all="ignore"):
                    d = float(np.nanmax(np.abs(np.asarray(a, dtype=np.float64) - r))) if np.size(r) else 0.0
                scored.append((d if math.isfinite(d) else float("inf"), i, n))
    layout, taken = {}, set()
    for d, i, n in sorted(scored):
        if i not in layout and n not in taken:
            layout[i] = n
            taken.add(n)
    return layout


def forward_parts(result, convention, references):
    """(named parts of the forward result, how to rebuild it with other values). `references`
    (name → array in the student's layout) name the arrays of a tuple in no documented order."""
    import numpy as np
    parts = {}
    if isinstance(result, dict):
        for n in FORWARD_NAMES:
            k = find_key(result, n)
            if k is not None:
                parts[n] = result[k]
        return parts, ("dict", None)
    if isinstance(result, (tuple, list)):
        items = list(result)
        dicts = [i for i, v in enumerate(items) if isinstance(v, dict)]
        inner = [i for i, v in enumerate(items) if isinstance(v, (tuple, list))]
        arrays = {i: v for i, v in enumerate(items) if isinstance(v, np.ndarray)}
        if dicts:
            # (A2, cache): the cache's keys name its parts.
            cache = items[dicts[0]]
            for n in FORWARD_NAMES:
                k = find_key(cache, n)
                if k is not None:
                    parts[n] = cache[k]
            layout = by_closeness(arrays, {n: r for n, r in references.items() if n not in parts})
            for i, n in layout.items():
                parts[n] = items[i]
            return parts, ("tuple+dict", (layout, dicts[0]))
        if inner:
            # (A2, (Z1, A1, Z2, A2)): every array, at either level, named by closeness.
            nested = {(i, j): v for i in inner for j, v in enumerate(items[i]) if isinstance(v, np.ndarray)}
            flat = {**{(i, None): v for i, v in arrays.items()}, **nested}
            layout = by_closeness(flat, references)
            for place, n in layout.items():
                parts[n] = flat[place]
            return parts, ("nested", layout)
        documented = {3: ["A2", "Z1", "A1"], 4: ["Z1", "A1", "Z2", "A2"], 2: ["A1", "A2"]}
        order = documented.get(len(items), []) if len(arrays) == len(items) else []
        layout = dict(zip(arrays, order))
        shapes_agree = all(np.shape(items[i]) == np.shape(references[n]) for i, n in layout.items())
        if not layout or not shapes_agree:
            layout = by_closeness(arrays, references)
        for i, n in layout.items():
            parts[n] = items[i]
        return parts, ("tuple", layout)
    if isinstance(result, np.ndarray):
        return {"A2": result}, ("array", None)
    return {}, ("unknown", None)


def rebuild(result, shape, reference):
    """The student's forward result with each part the grader recognised replaced by the
    reference value, so that backward is graded on right inputs."""
    kind, layout = shape
    if kind == "dict":
        out = dict(result)
        for k in list(out):
            for n in reference:
                if isinstance(k, str) and key_of(k) == key_of(n):
                    out[k] = reference[n].copy()
        return out
    if kind == "tuple":
        items = list(result)
        for i, n in layout.items():
            items[i] = reference[n].copy()
        return type(result)(items) if isinstance(result, tuple) else items
    if kind == "tuple+dict":
        arrays, d = layout
        items = list(result)
        items[d] = rebuild(items[d], ("dict", None), reference)
        for i, n in arrays.items():
            items[i] = reference[n].copy()
        return tuple(items) if isinstance(result, tuple) else items
    if kind == "nested":
        items = [list(v) if isinstance(v, (tuple, list)) else v for v in result]
        for (i, j), n in layout.items():
            if j is None:
                items[i] = reference[n].copy()
            else:
                items[i][j] = reference[n].copy()
        items = [tuple(v) if isinstance(result[i], tuple) else v for i, v in enumerate(items)]
        return tuple(items) if isinstance(result, tuple) else items
    return None


def caches(result, shape, convention, reference):
    """What backward may be given for the forward pass's results, best first: the student's
    whole result with the right values put in; for `A2, cache = forward(...)`, the cache alone
    first in the handout; the convention's usual structure when forward gave nothing."""
    whole = rebuild(result, shape, reference) if result is not None else None
    if whole is None:
        return [default_cache(convention, reference), default_cache(
            "notebook" if convention == "handout" else "handout", reference)]
    kind, layout = shape
    if kind == "tuple+dict":
        inner = whole[layout[1]]
        return [inner, whole] if convention == "handout" else [whole, inner]
    if kind == "nested":
        inners = [v for v in whole if isinstance(v, (tuple, list))]
        return [whole] + inners
    return [whole]


def default_cache(convention, reference):
    if convention == "handout":
        return {n: reference[n].copy() for n in ["Z1", "A1", "Z2", "A2"]}
    return (reference["A2"].copy(), reference["Z1"].copy(), reference["A1"].copy())


def layout_of(convention, rows):
    """A per-example quantity (rows are examples) in the student's convention."""
    return rows.T.copy() if convention == "handout" else rows.copy()


def closest(candidates, value, convention):
    """The name of the candidate (rows layout) nearest to the student's `value`."""
    import numpy as np
    best, best_distance = None, None
    try:
        value = np.asarray(value, dtype=np.float64)
    except Exception:
        return None, None
    for name, rows in candidates.items():
        target = layout_of(convention, rows)
        if value.shape != target.shape:
            continue
        with np.errstate(all="ignore"):
            distance = float(np.nanmax(np.abs(value - target))) if value.size else 0.0
        if not math.isfinite(distance):
            continue
        if best_distance is None or distance < best_distance:
            best, best_distance = name, distance
    return best, best_distance


def main():
    request = json.load(sys.stdin)
    seconds = request["seconds_per_call"]
    # The student's prints, and NumPy's, go to a file of the working directory.
    captured = os.open(STUDENT_OUTPUT, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(captured, 1)
    os.dup2(captured, 2)
    sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", 0), write_through=True)
    sys.stderr = sys.stdout
    try:
        import numpy as np
    except Exception as error:
        emit({"kind": "fatal", "error": "NumPy cannot be imported: " + one_line(error)})
        return
    emit({"kind": "numpy", "version": np.__version__, "python": sys.version.split()[0]})

    namespace, report = load(request["cells"])
    found = {}
    for role, names in FUNCTIONS.items():
        for n in names:
            if callable(namespace.get(n)) and not isinstance(namespace.get(n), Stub):
                found[role] = n
                break
    report["functions"] = found
    emit(report)

    X = array(request["X"])          # rows are examples
    Y = array(request["Y"])          # one-hot, rows are examples
    params = {k: array(v) for k, v in request["parameters"].items()}
    candidates = {name: {k: array(v) for k, v in c.items()}
                  for name, c in request["forward"].items()}
    dims = request["dims"]

    def function(role):
        return namespace[found[role]] if role in found else None

    def attempt(role, tries, seconds):
        """Calls `role` with each set of values of `tries` in turn until one returns; returns
        the first that did, or the first failure (an endless loop or a memory error is not
        tried again)."""
        first = None
        for values in tries:
            result, record = call(role, function(role), convention, values, seconds)
            if "error" not in record:
                return result, record, values
            first = first or (result, record, values)
            if "did not return" in record["error"] or "memory" in record["error"]:
                break
        return first

    # The initialisation first: the structure it returns (a dict and its keys, or a tuple
    # W1, b1, W2, b2) is how the other functions are given the parameters.
    convention = "notebook" if found.get("forward") == "forward" or \
        found.get("backward") == "backward" or found.get("init") == "init_params" else "handout"
    parameter_keys, parameters_tuple = {}, False
    if function("init"):
        values = {"nx": dims[0], "nh": dims[1], "ny": dims[2], "dims": list(dims)}
        np.random.seed(request["seed"])
        result, record = call("init", function("init"), convention, values, seconds)
        emit({"kind": "result", "check": "init", "record": record,
              "value": encode(result) if "error" not in record else None})
        if isinstance(result, dict):
            parameter_keys = {n: find_key(result, n) for n in params if find_key(result, n)}
        elif isinstance(result, (tuple, list)) and len(result) == 4:
            parameters_tuple = True

    def student_params():
        """The reference parameters in the structure the student's initialisation returns."""
        if parameters_tuple:
            return tuple(params[n].copy() for n in ["W1", "b1", "W2", "b2"])
        return {parameter_keys.get(n, n): v.copy() for n, v in params.items()}

    # The convention: the names' hint first, then the other one; kept when forward returns
    # an output of its shape.
    hint = convention
    conventions = [hint, "handout" if hint == "notebook" else "notebook"]
    forward_result, forward_record = None, None

    def output_shape(c):
        return (dims[2], X.shape[0]) if c == "handout" else (X.shape[0], dims[2])

    def laid_candidates(c):
        return {n: layout_of(c, v) for n, v in candidates[request["default_combination"][c]].items()}

    if function("forward"):
        attempts = []
        for c in conventions:
            values = {"X": layout_of(c, X), "parameters": student_params()}
            result, record = call("forward", function("forward"), c, values, seconds)
            parts, _ = forward_parts(result, c, laid_candidates(c)) if result is not None else ({}, None)
            attempts.append((c, result, record, parts.get("A2")))
            if parts.get("A2") is not None and np.shape(parts["A2"]) == output_shape(c):
                break
            if "did not return" in record.get("error", "") or "memory" in record.get("error", ""):
                break
        # The attempt whose output has its convention's shape, else the names' hint.
        c, result, record, out = attempts[-1]
        if result is not None and "error" not in record and out is not None \
                and np.shape(out) == output_shape(c):
            convention, forward_result, forward_record = c, result, record
        else:
            convention, forward_result, forward_record = attempts[0][:3]
    emit({"kind": "convention", "convention": convention, "hint": hint})

    # Which of the reference's activation × head the student's forward computes.
    combination = request["default_combination"][convention]
    parts, shape = ({}, ("unknown", None))
    if forward_result is not None:
        parts, shape = forward_parts(forward_result, convention, laid_candidates(convention))
        if "A1" in parts and "A2" in parts:
            scored = []
            for name, c in candidates.items():
                _, d1 = closest({"A1": c["A1"]}, parts["A1"], convention)
                _, d2 = closest({"A2": c["A2"]}, parts["A2"], convention)
                if d1 is not None and d2 is not None:
                    scored.append((d1 + d2, name))
            if scored:
                combination = min(scored)[1]
    reference = {k: layout_of(convention, v) for k, v in candidates[combination].items()}
    if forward_result is not None and shape[0] in ("tuple", "nested"):
        # Name the tuple's arrays again against the combination found.
        parts, shape = forward_parts(forward_result, convention, reference)
    emit({"kind": "result", "check": "forward", "combination": combination,
          "record": forward_record, "parts": {k: encode(v) for k, v in parts.items()}})

    # Backward, on the reference forward values in the student's own structure.
    gradient_keys, gradients_tuple = None, False
    if function("backward"):
        tries = [{"X": layout_of(convention, X), "Y": layout_of(convention, Y),
                  "parameters": student_params(), "cache": cache}
                 for cache in caches(forward_result, shape, convention, reference)]
        result, record, _ = attempt("backward", tries, seconds)
        emit({"kind": "result", "check": "backward", "record": record,
              "value": encode(result) if "error" not in record else None})
        if isinstance(result, dict):
            gradient_keys = {n: find_key(result, "d" + n) or find_key(result, n) for n in params}
        elif isinstance(result, (tuple, list)) and len(result) == 4:
            gradients_tuple = True

    # Loss and accuracy, on the reference output.
    for role in ["loss", "accuracy"]:
        if function(role) and (role == "loss" or found.get("loss") != found.get("accuracy")):
            values = {"A2": reference["A2"].copy(), "Y": layout_of(convention, Y)}
            result, record = call(role, function(role), convention, values, seconds)
            emit({"kind": "result", "check": role, "record": record,
                  "value": encode(result) if "error" not in record else None})

    # One SGD step with given gradients, in the structure the student's backward returns
    # (then the usual ones, if that one does not fit).
    if function("sgd"):
        g = {n: array(v) for n, v in request["grads"].items()}
        styles = []
        if gradients_tuple:
            styles.append(tuple(g[n] for n in ["W1", "b1", "W2", "b2"]))
        if gradient_keys and all(gradient_keys.values()):
            styles.append({gradient_keys[n]: g[n] for n in g})
        d_first = convention == "handout"
        for d in ([True, False] if d_first else [False, True]):
            styles.append({("d" + n) if d else n: v for n, v in g.items()})
        tries = [{"parameters": student_params(), "grads": {k: v.copy() for k, v in st.items()}
                  if isinstance(st, dict) else tuple(v.copy() for v in st),
                  "learning_rate": request["eta"]} for st in styles]
        result, record, used = attempt("sgd", tries, seconds)
        if "error" not in record and result is None:
            result = used["parameters"]
            record["in_place"] = True
        if isinstance(result, tuple) and result and isinstance(result[0], dict):
            result = result[0]
        emit({"kind": "result", "check": "sgd", "record": record,
              "value": encode(result) if "error" not in record else None})

    # Element-wise functions.
    for role in ["sigmoid", "relu", "relu_derivative", "tanh"]:
        if function(role):
            values = {"Z": array(request["elementwise"][role])}
            result, record = call(role, function(role), convention, values, seconds)
            emit({"kind": "result", "check": role, "record": record,
                  "value": encode(result) if "error" not in record else None})
    if function("softmax"):
        values = {"Z": layout_of(convention, array(request["softmax"]))}
        result, record = call("softmax", function("softmax"), convention, values, seconds)
        emit({"kind": "result", "check": "softmax", "record": record,
              "value": encode(result) if "error" not in record else None})

    emit({"kind": "done"})


if __name__ == "__main__":
    try:
        main()
    except BaseException as error:  # the harness's own failure, said in one line
        try:
            emit({"kind": "fatal", "error": one_line(error)})
        except Exception:
            pass
