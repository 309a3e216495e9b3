"""What user code may reach, as data: every entry here is on purpose (DESIGN.md, principle 2).

Anything not listed is refused. Names are plain attribute names on the real objects; the
interpreter looks them up only after finding them here.
"""

from __future__ import annotations

from functools import cache


def names(text: str) -> frozenset[str]:
    """The whitespace-separated names of a block (grouped by theme, one entry each)."""
    return frozenset(text.split())


# Tensor creation, math, reductions, linear algebra and shape ops under `torch.`.
TORCH_FUNCTIONS: frozenset[str] = names(
    """
    tensor as_tensor ones zeros empty ones_like zeros_like empty_like full full_like rand_like
    randn_like arange linspace eye rand randn randint manual_seed exp log log1p log2 log10 sqrt
    rsqrt abs sin cos tan tanh sigmoid relu clamp clip pow maximum minimum where sign neg
    reciprocal square add sub mul div floor ceil round erf logsumexp softmax log_softmax dist
    allclose isclose equal argmax argmin topk sort cumsum cumprod outer diag trace tril triu
    einsum sum mean max min norm prod std var matmul mm bmm mv dot t transpose permute reshape
    cat stack squeeze unsqueeze flatten chunk split unbind narrow gather index_select
    masked_fill is_tensor numel broadcast_tensors atan asin acos sinh cosh exp2 expm1 trunc frac
    is_grad_enabled kron nonzero argsort flip randperm
    normal multinomial from_numpy isfinite isnan isinf all any clamp_min clamp_max eq ne gt lt ge le
    """
)

# Non-callable values under `torch.` (dtypes and constants).
TORCH_CONSTANTS: frozenset[str] = names(
    """
    float float32 float64 double long int64 int32 int16 int8 uint8 bool half float16 bfloat16 pi
    e inf nan int short complex64 complex128 cfloat cdouble
    """
)

# Classes under `torch.`: callable, and usable with isinstance.
TORCH_CLASSES: frozenset[str] = frozenset({"Tensor", "Size", "device"})

# Context managers for grad mode; the interpreter implements them itself (restoring state).
GRAD_MODE_FUNCTIONS: frozenset[str] = frozenset({"no_grad", "enable_grad", "set_grad_enabled"})

# torch.nn.functional
F_FUNCTIONS: frozenset[str] = names(
    """
    relu sigmoid tanh softmax log_softmax linear cross_entropy mse_loss l1_loss
    binary_cross_entropy binary_cross_entropy_with_logits nll_loss leaky_relu gelu elu silu
    softplus dropout one_hot normalize pad relu6 hardtanh smooth_l1_loss huber_loss kl_div
    cosine_similarity logsigmoid softsign mish selu max_pool2d avg_pool2d max_pool1d conv1d conv2d
    adaptive_avg_pool2d layer_norm embedding
    """
)

# torch.nn classes whose instances user code may build, call and inspect.
NN_CLASSES: frozenset[str] = names(
    """
    Linear ReLU Sigmoid Tanh LeakyReLU GELU Softmax LogSoftmax Sequential Identity Flatten
    MSELoss L1Loss BCELoss BCEWithLogitsLoss CrossEntropyLoss NLLLoss Parameter ELU SiLU
    Softplus Dropout Conv2d MaxPool2d AvgPool2d BatchNorm1d BatchNorm2d LayerNorm Embedding RNN RNNCell
    LSTM GRU AdaptiveAvgPool2d Conv1d MaxPool1d AvgPool1d
    """
)

# torch.optim classes.
OPTIM_CLASSES: frozenset[str] = frozenset({"SGD", "Adam", "AdamW", "RMSprop", "Adagrad"})

# math: functions (numbers only) and constants.
MATH_FUNCTIONS: frozenset[str] = names(
    """
    sqrt exp log log2 log10 log1p expm1 sin cos tan asin acos atan atan2 sinh cosh tanh erf erfc
    floor ceil fabs trunc isclose isfinite isnan isinf hypot copysign degrees radians pow gamma lgamma
    """
)
MATH_CONSTANTS: frozenset[str] = frozenset({"pi", "e", "tau", "inf", "nan"})

# Tensor attributes that are values, not methods.
TENSOR_ATTRIBUTES: frozenset[str] = names(
    """
    requires_grad grad grad_fn is_leaf data shape ndim dtype device T mT retains_grad real imag
    """
)

# Tensor attributes that user code may assign.
TENSOR_SETTABLE: frozenset[str] = frozenset({"requires_grad", "grad", "data"})

# Tensor methods.
TENSOR_METHODS: frozenset[str] = names(
    """
    backward detach detach_ requires_grad_ item tolist zero_ fill_ clone retain_grad size dim
    numel add_ mul_ sub_ div_ clamp_ copy_ normal_ uniform_ random_ pow_ neg_ exp_ relu_ sigmoid_ tanh_
    abs_ sum mean max min argmax argmin prod std var norm cumsum cumprod logsumexp topk sort exp
    log log1p log2 sqrt rsqrt abs sin cos tan tanh sigmoid relu clamp clip pow sign neg
    reciprocal square add sub mul div floor ceil round erf softmax log_softmax maximum minimum
    where view view_as reshape reshape_as squeeze unsqueeze flatten transpose permute contiguous
    expand expand_as repeat chunk split unbind narrow gather index_select masked_fill t matmul
    mm bmm mv dot outer float double long int bool half to type type_as eq ne gt lt ge le all
    any is_floating_point new_ones new_zeros new_full new_tensor diag trace tril triu allclose
    isclose equal dist cpu nonzero argsort flip is_contiguous
    numpy nelement log10 clamp_min clamp_max isfinite isnan isinf
    """
)

# Methods and attributes of allowlisted nn.Module instances.
MODULE_ATTRIBUTES: frozenset[str] = frozenset(
    {"weight", "bias", "in_features", "out_features", "training", "negative_slope", "p", "dim"}
    | names(
        """
        in_channels out_channels kernel_size stride padding num_features eps momentum running_mean running_var
        normalized_shape num_embeddings embedding_dim input_size hidden_size num_layers weight_ih weight_hh bias_ih
        bias_hh weight_ih_l0 weight_hh_l0 bias_ih_l0 bias_hh_l0
        """
    )
)
MODULE_METHODS: frozenset[str] = frozenset(
    {"parameters", "named_parameters", "zero_grad", "train", "eval", "forward", "requires_grad_", "to", "cpu"}
    | {"state_dict", "children", "named_children", "modules", "named_modules"}
)
# Module methods that return generators: the interpreter hands out lists instead.
MODULE_LISTING_METHODS: frozenset[str] = frozenset(
    {"parameters", "named_parameters", "children", "named_children", "modules", "named_modules"}
)

OPTIMIZER_METHODS: frozenset[str] = frozenset({"step", "zero_grad"})
# Read, and changed in place by the program (`param_group['lr'] = ...`, d2l's schedulers): each
# optimizer or scheduler method checks what the groups hold first (members.check_param_groups).
OPTIMIZER_ATTRIBUTES: frozenset[str] = frozenset({"param_groups"})

# Autograd graph nodes (`x.grad_fn`).
GRAD_FN_ATTRIBUTES: frozenset[str] = frozenset({"next_functions", "variable"})
GRAD_FN_METHODS: frozenset[str] = frozenset({"name"})

# torch.return_types.* (results of max/min/topk/sort with dim).
RETURN_TYPE_ATTRIBUTES: frozenset[str] = frozenset({"values", "indices"})

# Methods of Python values; none of them takes a function or formats with traversal.
LIST_METHODS: frozenset[str] = frozenset(
    {"append", "extend", "pop", "insert", "index", "count", "reverse", "copy", "clear"}
)
TUPLE_METHODS: frozenset[str] = frozenset({"index", "count"})
DICT_METHODS: frozenset[str] = frozenset({"keys", "values", "items", "get", "copy", "pop", "update"})
# collections.Counter's own, besides a dict's (app/sandbox/python_modules.py).
COUNTER_METHODS: frozenset[str] = frozenset({"most_common", "elements", "subtract", "total"})
STR_METHODS: frozenset[str] = frozenset(
    {
        "upper",
        "lower",
        "strip",
        "lstrip",
        "rstrip",
        "split",
        "join",
        "replace",
        "startswith",
        "endswith",
        "title",
        "capitalize",
        "ljust",
        "rjust",
        "center",
        "zfill",
        "isdigit",
    }
)
SIZE_METHODS: frozenset[str] = frozenset({"numel", "index", "count"})

# Builtins user code may call (implemented in app/sandbox/builtins.py).
BUILTINS: frozenset[str] = names(
    """
    print range len abs min max sum round float int bool str list tuple dict zip enumerate
    reversed sorted isinstance any all repr divmod
    map filter iter next set slice getattr hasattr callable super staticmethod classmethod property object
    Exception ArithmeticError LookupError ValueError TypeError RuntimeError KeyError IndexError
    ZeroDivisionError AssertionError NotImplementedError StopIteration AttributeError NameError OverflowError
    type dir id setattr pow __name__
    """
)

# Python's own methods of sets.
SET_METHODS: frozenset[str] = names(
    """
    add discard remove pop clear copy union intersection difference symmetric_difference update
    issubset issuperset isdisjoint
    """
)

# Names used by the program's own classes: bases, custom autograd Functions and their ctx,
# property setters, str.format and dict.fromkeys (app/sandbox/classes.py gates each at run time).
CLASS_SUPPORT_NAMES: frozenset[str] = names(
    """
    Module autograd Function Optimizer Dataset apply save_for_backward saved_tensors needs_input_grad
    mark_non_differentiable setter args format fromkeys
    """
)

# Namespaces available without import, and the modules `import` may name.
PREBOUND_NAMESPACES: frozenset[str] = frozenset({"torch", "nn", "F", "math", "optim"})
IMPORTABLE_MODULES: frozenset[str] = frozenset({"torch", "torch.nn", "torch.nn.functional", "torch.optim", "math"})

# Callables whose arguments give the size of the tensor they make: name -> how to read it.
# The estimators live in app/sandbox/guards.py; checked before torch allocates anything.
SIZED_TORCH: dict[str, str] = {
    "ones": "sizes",
    "zeros": "sizes",
    "empty": "sizes",
    "rand": "sizes",
    "randn": "sizes",
    "Tensor": "legacy",
    "full": "first",
    "randint": "randint",
    "randperm": "first",
    "arange": "arange",
    "linspace": "steps",
    "eye": "eye",
    "outer": "outer",
    "kron": "outer",
    "cat": "joined",
    "stack": "joined",
    "diag": "diag",
    "einsum": "einsum",
    "matmul": "matmul",
    "mm": "matmul",
    "bmm": "matmul",
    "tensor": "data",
    "as_tensor": "data",
    "normal": "normal",
    "multinomial": "multinomial",
}
SIZED_TENSOR_METHODS: dict[str, str] = {
    "expand": "expand",
    "repeat": "repeat",
    "new_ones": "sizes",
    "new_zeros": "sizes",
    "new_full": "first",
    "tolist": "self",
    "diag": "diag",
    "new_tensor": "data",
    "matmul": "matmul",
    "mm": "matmul",
    "bmm": "matmul",
    "multinomial": "multinomial",
}
SIZED_F: dict[str, str] = {"one_hot": "one_hot", "linear": "linear", "pad": "pad"}
# Layers with parameters are sized by building them on the meta device (sizes.module_estimator).
LAYERS_WITH_PARAMETERS: frozenset[str] = names(
    """
    Linear Conv1d Conv2d BatchNorm1d BatchNorm2d LayerNorm Embedding RNN RNNCell LSTM GRU LSTMCell GRUCell
    Bilinear PReLU
    """
)
SIZED_NN: dict[str, str] = {name: f"nn.{name}" for name in sorted(NN_CLASSES & LAYERS_WITH_PARAMETERS)}


# Names of the modules offered in part (app/sandbox/imports.py and the modules it builds), for
# parse-time checks of attribute chains that do not start at an import (`rng = np.random`).
OFFERED_MODULE_NAMES: frozenset[str] = names(
    """
    autograd grad backward Variable utils data TensorDataset DataLoader tensors dataset batch_size drop_last
    cuda is_available device_count Generator manual_seed initial_seed FloatTensor DoubleTensor LongTensor
    IntTensor BoolTensor set_printoptions init xavier_uniform_ xavier_normal_ kaiming_uniform_ kaiming_normal_
    normal_ uniform_ zeros_ ones_ constant_ eye_ calculate_gain trunc_normal_ orthogonal_ clip_grad_norm_
    clip_grad_value_ lr_scheduler StepLR ExponentialLR MultiStepLR step get_last_lr last_epoch
    array asarray zeros ones full arange linspace eye dot matmul outer concatenate stack vstack hstack
    zeros_like ones_like full_like reshape copy exp log sqrt tanh abs square sin cos tan log1p log2 log10 sign
    floor ceil negative maximum minimum power add subtract multiply divide where clip isclose sum mean std var
    max min argmax argmin prod cumsum all any allclose array_equal round transpose float64 float32 float16
    int64 int32 int16 int8 uint8 bool_ complex128 complex64 pi e inf nan newaxis ndarray random seed shuffle
    randn rand uniform randint permutation choice shape ndim size dtype T astype item tolist flatten ravel
    squeeze fill gauss normalvariate randrange sample pyplot
    plot scatter show figure xlabel ylabel title legend grid subplot subplots xlim ylim hist imshow savefig
    tight_layout axis close clf cla bar text annotate semilogy loglog colorbar contour contourf quiver axhline
    axvline fill_between errorbar xticks yticks suptitle pause ion ioff draw gca gcf set_title set_xlabel
    set_ylabel set_xlim set_ylim add_subplot set_aspect axes set_yscale set_xscale yscale xscale style use
    OrderedDict defaultdict Counter pprint pformat pp nditer multi_index finished iternext index iterindex
    itersize reset
    """
)
# Tensor methods that take a function of the program (run by the interpreter when torch calls it).
CALLBACK_TENSOR_METHODS: frozenset[str] = frozenset({"register_hook"})
# Module methods that take a function of the program (`net.apply(init_weights)`).
CALLBACK_MODULE_METHODS: frozenset[str] = frozenset({"apply"})
# Read-only introspection of what an autograd node saved: `y.grad_fn._saved_self` and the like.
SAVED_PREFIX = "_saved_"


def is_saved_name(name: str) -> bool:
    """`_saved_self`, `_saved_result`, ...: a node's saved values (never `_raw_saved_*` or dunders)."""
    rest = name.removeprefix(SAVED_PREFIX)
    return rest != name and rest.isidentifier() and not rest.startswith("_") and rest.isascii()


# Dunder names that are plain data on a namespace (`torch.__version__`).
PUBLIC_DUNDERS: frozenset[str] = frozenset({"__version__"})


@cache  # a union of constant sets: compute it once per process, not once per program
def all_attribute_names() -> frozenset[str]:
    """Every attribute name reachable on any kind of object; parse-time refusal uses it."""
    return (
        TORCH_FUNCTIONS
        | TORCH_CONSTANTS
        | TORCH_CLASSES
        | GRAD_MODE_FUNCTIONS
        | F_FUNCTIONS
        | NN_CLASSES
        | OPTIM_CLASSES
        | MATH_FUNCTIONS
        | MATH_CONSTANTS
        | TENSOR_ATTRIBUTES
        | TENSOR_METHODS
        | MODULE_ATTRIBUTES
        | MODULE_METHODS
        | OPTIMIZER_METHODS
        | OPTIMIZER_ATTRIBUTES
        | GRAD_FN_ATTRIBUTES
        | GRAD_FN_METHODS
        | RETURN_TYPE_ATTRIBUTES
        | LIST_METHODS
        | TUPLE_METHODS
        | DICT_METHODS
        | COUNTER_METHODS
        | STR_METHODS
        | SIZE_METHODS
        | SET_METHODS
        | CLASS_SUPPORT_NAMES
        | OFFERED_MODULE_NAMES
        | CALLBACK_TENSOR_METHODS
        | CALLBACK_MODULE_METHODS
        | {"inference_mode", "set_default_device", "gradcheck", "gradgradcheck", "RandomState", "default_rng"}
        | {"integers", "standard_normal", "type"}
        | {"functional", "jacobian", "hessian", "vjp", "jvp", "remove"}
        | {"nn", "optim", "functional"}
    )
