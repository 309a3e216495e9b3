"""The attack tables: (case id, code, expected kind). Kind "ok" means a correct 200 answer.

`{DIR}` is a watched empty directory and `{PORT}` a loopback port that is listening: an attack
that wrote a file or opened a connection is caught even if its request was refused.
"""

from __future__ import annotations

Case = tuple[str, str, str]

LEAF = "x = torch.ones(3, requires_grad=True)\ny = (x * 2).sum()\n"
OPT = "w = torch.ones(2, requires_grad=True)\no = optim.SGD([w], lr=0.1)\n"
LOADER = "from torch.utils.data import DataLoader\n"

# Breaking out of the interpreter: every path to a Python object that is not data.
ESCAPE: list[Case] = [
    ("tuple-class", "a = ().__class__", "forbidden"),
    ("subclasses", "a = ().__class__.__bases__[0].__subclasses__()", "forbidden"),
    ("list-class", "a = [].__class__.__mro__", "forbidden"),
    ("torch-dict", "a = torch.__dict__", "forbidden"),
    ("torch-C", "a = torch._C", "forbidden"),
    ("torch-os", "a = torch.os", "forbidden"),
    ("torch-sys", "a = torch.sys", "forbidden"),
    ("torch-builtins", "a = torch.__builtins__", "forbidden"),
    ("torch-spec", "a = torch.__spec__.loader", "forbidden"),
    ("torch-functional", "a = torch.functional", "forbidden"),
    ("torch-overrides", "a = torch.overrides", "forbidden"),
    ("torch-library", "a = torch.library", "forbidden"),
    ("torch-fx", "a = torch.fx", "forbidden"),
    ("torch-autograd", "a = torch.autograd.grad", "ok"),
    ("torch-autograd-profiler", "a = torch.autograd.profiler", "forbidden"),
    ("autograd-function", "a = torch.autograd.Function", "ok"),
    ("autograd-function-call", "a = torch.autograd.Function()", "forbidden"),
    ("torch-utils", "a = torch.utils", "ok"),
    ("torch-utils-internals", "a = torch.utils.cpp_extension", "forbidden"),
    ("nn-modules", "a = torch.nn.modules", "forbidden"),
    ("nn-init", "a = nn.init", "ok"),
    ("nn-init-private", "a = nn.init._calculate_fan_in_and_fan_out", "forbidden"),
    ("F-torch", "a = F.torch", "forbidden"),
    ("F-math", "a = F.math", "forbidden"),
    ("math-sys", "a = math.sys", "forbidden"),
    ("getattr", "a = getattr(torch, 'os')", "forbidden"),
    ("eval", "a = eval('1')", "forbidden"),
    ("exec", "exec('import os')", "forbidden"),
    ("compile", "a = compile('1', 'x', 'exec')", "forbidden"),
    ("dunder-import", "a = __import__('os')", "forbidden"),
    ("open", "a = open('/etc/passwd')", "forbidden"),
    ("globals", "a = globals()", "forbidden"),
    ("locals", "a = locals()", "forbidden"),
    ("vars", "a = vars(torch)", "forbidden"),
    ("dir", "a = dir(torch)", "ok"),  # the allowlisted member names
    ("dir-tensor", "a = dir(torch.ones(2))", "forbidden"),
    ("type-builtin", "a = type(1)", "ok"),  # the `int` token user code already holds
    ("type-three-args", "a = type('T', (), {})", "forbidden"),
    ("type-tensor-class", "a = type(torch.ones(2)).__class__", "forbidden"),
    ("type-call-unknown", "a = type(torch.ones(2).grad_fn)()", "forbidden"),
    ("object", "a = object()", "forbidden"),
    ("breakpoint", "breakpoint()", "forbidden"),
    ("help", "help(torch)", "forbidden"),
    ("input", "a = input()", "forbidden"),
    ("memoryview", "a = memoryview", "forbidden"),
    ("setattr", "setattr(torch, 'ones', 1)", "forbidden"),
    ("hasattr", "a = hasattr(torch, 'os')", "ok"),  # False: a name not offered is missing
    ("hasattr-private", "a = hasattr(torch, '_C')", "forbidden"),
    ("classmethod", "a = classmethod", "ok"),
    ("super", "a = super()", "runtime"),
    ("underscore-name", "_x = 1", "ok"),  # the program's own variable
    ("underscore-unbound", "a = _", "forbidden"),
    ("dunder-name", "a = __builtins__", "forbidden"),
    ("dunder-loader", "a = __loader__", "forbidden"),
    ("underscore-param", "def f(_x):\n    return 1", "ok"),
    ("dunder-param", "def f(__x):\n    return 1", "forbidden"),
    ("underscore-kwarg", "a = torch.ones(2, _internal=1)", "forbidden"),
    ("underscore-dict-key", "a = torch.ones(2, **{'_x': 1})", "runtime"),
    ("lambda", "f = lambda: 1", "ok"),
    ("class", "class A:\n    pass", "ok"),
    ("try", "try:\n    pass\nexcept Exception:\n    pass", "ok"),
    ("raise", "raise ValueError", "runtime"),
    ("yield", "def f():\n    yield 1", "ok"),
    ("yield-endless", "def f():\n    while True:\n        yield 1\na = list(f())", "limit"),
    ("async", "async def f():\n    pass", "forbidden"),
    ("walrus", "a = (b := 1)", "forbidden"),
    ("global", "def f():\n    global torch", "forbidden"),
    ("decorator", "@print\ndef f():\n    pass", "ok"),
    ("star-args", "def f(*a):\n    pass", "ok"),
    ("kwargs", "def f(**k):\n    pass", "ok"),
    ("match", "match 1:\n    case 1:\n        pass", "forbidden"),
    ("set-literal", "a = {1, 2}", "ok"),
    ("bytes", "a = b'x'", "forbidden"),
    ("str-format", "a = '{0.__class__}'.format(1)", "forbidden"),
    ("str-format-plain", "a = '{}'.format(1)", "ok"),
    ("str-format-index", "a = '{0[0]}'.format([1])", "forbidden"),
    ("str-format-nested-spec", "a = '{0:{1}}'.format(1, 5)", "forbidden"),
    ("str-format-map", "a = '{x}'.format_map({})", "forbidden"),
    ("str-encode", "a = 'x'.encode()", "forbidden"),
    ("fstring-dunder", "a = 1\nb = f'{a.__class__}'", "forbidden"),
    ("fstring-nested", "a = 1\nb = f'{a!r:{\"x\"}}'", "runtime"),
    ("percent-dict", "a = '%(k)s' % {'k': 1}\nprint(a)", "ok"),
    ("unicode-eval", "a = ｅｖａｌ('1')", "forbidden"),
    ("unicode-torch-os", "a = torch.ｏｓ", "forbidden"),
    ("unicode-underscore", "a = ＿＿import＿＿('os')", "syntax"),
    ("unicode-script-e", "ℯval = 1", "ok"),  # binds the program's own `eval`
    ("unicode-script-e-call", "a = ℯval('1')", "forbidden"),
    ("chinese-names", "学习率 = 0.1\nprint(学习率)", "ok"),
    ("unicode-dunder-attr", "a = ().__ｃlass__", "forbidden"),
    ("tensor-dict", "a = torch.ones(2).__dict__", "forbidden"),
    ("tensor-class", "a = torch.ones(2).__class__", "forbidden"),
    ("tensor-storage", "a = torch.ones(2).untyped_storage()", "forbidden"),
    ("tensor-old-storage", "a = torch.ones(2).storage()", "forbidden"),
    ("tensor-data-ptr", "a = torch.ones(2).data_ptr()", "forbidden"),
    ("tensor-numpy", "a = torch.ones(2).numpy()\nprint(a)", "ok"),
    # numpy arrays, random and data loaders: data only, no path to their classes or modules.
    ("np-array-class", "import numpy as np\na = np.ones(2).__class__", "forbidden"),
    ("np-array-base", "import numpy as np\na = np.ones(2)\nb = a.base", "forbidden"),
    ("np-array-ctypes", "import numpy as np\na = np.ones(2).ctypes", "forbidden"),
    ("np-array-tofile", "import numpy as np\nnp.ones(2).tofile('{DIR}/a')", "forbidden"),
    ("np-array-dump", "import numpy as np\nnp.ones(2).dump('{DIR}/a')", "forbidden"),
    ("np-save", "import numpy as np\nnp.save('{DIR}/a.npy', np.ones(2))", "forbidden"),
    ("np-load", "import numpy as np\na = np.load('{DIR}/a.npy')", "forbidden"),
    ("np-fromfile", "import numpy as np\na = np.fromfile('/etc/passwd')", "forbidden"),
    ("np-memmap", "import numpy as np\na = np.memmap('{DIR}/a', mode='w+', shape=(2,))", "forbidden"),
    ("np-loadtxt", "import numpy as np\na = np.loadtxt('/etc/passwd')", "forbidden"),
    ("np-lib", "import numpy as np\na = np.lib", "forbidden"),
    ("np-ctypeslib", "import numpy as np\na = np.ctypeslib", "forbidden"),
    ("np-frompyfunc", "import numpy as np\nf = np.frompyfunc(print, 1, 1)", "forbidden"),
    ("np-vectorize", "import numpy as np\nf = np.vectorize(print)", "forbidden"),
    ("np-object-array", "import numpy as np\ndef f():\n    pass\na = np.array([f])", "forbidden"),
    ("np-object-op", "import numpy as np\ndef f():\n    pass\na = np.ones(2) * f", "runtime"),
    ("np-text-array", "import numpy as np\na = np.array(['a', 'b'])", "forbidden"),
    ("np-dtype-object", "import numpy as np\na = np.zeros(2, dtype='object')", "forbidden"),
    ("np-astype-object", "import numpy as np\na = np.zeros(2).astype('O')", "forbidden"),
    ("np-random-state", "import numpy as np\na = np.random.get_state()", "forbidden"),
    ("np-random-bitgen", "import numpy as np\na = np.random.default_rng(0).bit_generator", "forbidden"),
    ("np-random-rng-state", "import numpy as np\na = np.random.RandomState(0).get_state()", "forbidden"),
    ("np-random-mt", "import numpy as np\na = np.random.mtrand", "forbidden"),
    ("np-random-namespace", "import numpy as np\nr = np.random\na = r.state", "forbidden"),
    ("np-dtype-attr", "import numpy as np\na = np.ones(2).dtype.type", "forbidden"),
    ("np-scalar-attr", "import numpy as np\na = np.float32(1).__reduce__", "forbidden"),
    ("random-getstate", "import random\na = random.getstate()", "forbidden"),
    ("random-class", "import random\na = random.Random", "forbidden"),
    ("random-system", "import random\na = random.SystemRandom()", "forbidden"),
    ("random-os", "import random\na = random._os", "forbidden"),
    ("random-seed-object", "import random\nrandom.seed(torch.ones(2))", "runtime"),
    ("plt-savefig-ignored", "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.savefig('{DIR}/a.png')", "ok"),
    ("plt-private", "import matplotlib.pyplot as plt\na = plt._backend_mod", "forbidden"),
    ("plt-figure-private", "import matplotlib.pyplot as plt\nf = plt.figure()\na = f.__dict__", "forbidden"),
    ("data-loader-collate", LEAF + LOADER + "d = DataLoader([x], collate_fn=print)", "forbidden"),
    ("data-loader-workers", LEAF + LOADER + "for b in DataLoader([x, x], num_workers=4):\n    print(b)", "ok"),
    ("data-loader-sampler", LEAF + LOADER + "d = DataLoader([x], sampler=[0])", "forbidden"),
    ("data-loader-internals", LEAF + LOADER + "d = DataLoader([x])\na = d.collate_fn", "forbidden"),
    (
        "data-dataset-class",
        LEAF + "from torch.utils.data import TensorDataset\nd = TensorDataset(x)\na = d.__class__",
        "forbidden",
    ),
    ("data-loader-user-fn", LOADER + "def f():\n    pass\nd = DataLoader(f)", "forbidden"),
    ("generator-state", "g = torch.Generator()\na = g.get_state()", "forbidden"),
    ("generator-set-state", "g = torch.Generator()\ng.set_state(torch.zeros(5056, dtype=torch.uint8))", "forbidden"),
    ("scheduler-optimizer", OPT + "s = optim.lr_scheduler.StepLR(o, step_size=1)\na = s.optimizer", "forbidden"),
    ("scheduler-lambda", OPT + "s = optim.lr_scheduler.LambdaLR(o, print)", "forbidden"),
    ("unoffered-module-use", "import os\nos.system('touch {DIR}/pwned')", "forbidden"),
    ("unoffered-module-unused", "import os\nimport sys\nx = 1", "ok"),
    # A hook torch calls runs the program's function in the interpreter (print here), never a raw callable.
    ("tensor-register-hook", LEAF + "h = x.register_hook(print)\ny.backward()", "ok"),
    ("tensor-register-hook-user", LEAF + "def f(g):\n    return g * 2\nh = x.register_hook(f)\ny.backward()", "ok"),
    ("tensor-register-hook-namespace", LEAF + "h = x.register_hook(torch)", "forbidden"),
    (
        "tensor-register-hook-returns-fn",
        LEAF + "def f(g):\n    return f\nh = x.register_hook(f)\ny.backward()",
        "runtime",
    ),
    ("hook-handle-internals", LEAF + "h = x.register_hook(print)\na = h.hooks_dict_ref", "forbidden"),
    ("jacobian-user-fn", "def f(t):\n    return t * t\nj = torch.autograd.functional.jacobian(f, torch.ones(2))", "ok"),
    ("jacobian-print", "j = torch.autograd.functional.jacobian(print, torch.ones(2))", "runtime"),
    ("tensor-post-hook", LEAF + "h = x.register_post_accumulate_grad_hook(print)", "forbidden"),
    ("tensor-apply", "a = torch.ones(2).apply_(print)", "forbidden"),
    ("tensor-map", "a = torch.ones(2).map_(torch.ones(2), print)", "forbidden"),
    ("tensor-type-import", "a = torch.ones(2).type('os.system')", "runtime"),
    ("tensor-to-meta", "a = torch.ones(2).to('meta')\nprint(a.shape)", "runtime"),
    ("tensor-reduce", "a = torch.ones(2).__reduce_ex__(2)", "forbidden"),
    ("grad-fn-hook", LEAF + "h = y.grad_fn.register_hook(print)", "forbidden"),
    ("grad-fn-prehook", LEAF + "h = y.grad_fn.register_prehook(print)", "forbidden"),
    ("grad-fn-variable", LEAF + "a = y.grad_fn.next_functions[0][0].next_functions[0][0].variable", "ok"),
    ("grad-fn-saved", LEAF + "a = y.grad_fn.next_functions[0][0]._saved_self\nprint(a)", "ok"),
    ("grad-fn-raw-saved", LEAF + "a = y.grad_fn.next_functions[0][0]._raw_saved_self", "forbidden"),
    ("grad-fn-saved-dunder", LEAF + "a = y.grad_fn._saved___class__", "forbidden"),
    ("tensor-saved-name", LEAF + "a = x._saved_self", "forbidden"),
    ("grad-fn-metadata", LEAF + "a = y.grad_fn.metadata", "forbidden"),
    ("grad-fn-class", LEAF + "a = y.grad_fn.__class__", "forbidden"),
    ("grad-fn-name-ok", LEAF + "print(y.grad_fn.name())", "ok"),
    ("device-type", "a = torch.ones(2).device.type", "forbidden"),
    ("dtype-attr", "a = torch.float32.is_floating_point", "forbidden"),
    ("size-attr", "a = torch.ones(2).shape.numel\nprint(a())", "ok"),
    ("return-types", "a = torch.ones(2, 2).max(0).__class__", "forbidden"),
    ("host-self", "a = print.__self__", "forbidden"),
    ("host-globals", "f = torch.ones\na = f.__globals__", "forbidden"),
    ("host-fn-attr", "a = torch.ones.fn", "forbidden"),
    ("user-fn-code", "def f():\n    pass\na = f.__code__", "forbidden"),
    ("user-fn-node", "def f():\n    pass\na = f.node", "forbidden"),
    ("user-fn-to-torch", "def f(t):\n    return t\na = torch.ones(2).apply_(f)", "forbidden"),
    ("user-fn-as-arg", "def f():\n    pass\na = torch.tensor(f)", "forbidden"),
    ("namespace-as-arg", "a = torch.tensor(torch)", "forbidden"),
    ("namespace-members", "a = torch.members", "forbidden"),
    ("module-parameters-dict", "m = nn.Linear(2, 2)\na = m._parameters", "forbidden"),
    ("module-state-dict", "m = nn.Linear(2, 2)\na = m.state_dict()", "ok"),
    ("module-apply", "m = nn.Linear(2, 2)\nm.apply(print)", "ok"),  # print runs in the interpreter
    ("module-apply-namespace", "m = nn.Linear(2, 2)\nm.apply(torch)", "forbidden"),
    ("module-forward-hook", "m = nn.Linear(2, 2)\nm.register_forward_hook(print)", "forbidden"),
    ("module-sequential-fn", "m = nn.Sequential(nn.Linear(2, 2), print)", "forbidden"),
    ("module-sequential-user", "def f(t):\n    return t\nm = nn.Sequential(f)", "forbidden"),
    ("optimizer-closure", OPT + "o.step(print)", "forbidden"),
    ("optimizer-state", OPT + "a = o.state", "forbidden"),
    ("optimizer-groups", OPT + "a = o.param_groups", "ok"),  # d2l sets group['lr']; step() checks the groups
    ("isinstance-fn", "a = isinstance(1, print)", "runtime"),
    ("print-host-fn", "print(torch.ones, print)", "ok"),
    ("kwargs-non-str", "a = torch.ones(2, **{1: 2})", "runtime"),
    ("call-int", "a = (1)()", "runtime"),
    ("call-str", "a = 'print'()", "runtime"),
    ("subscript-namespace", "a = torch['ones']", "runtime"),
    ("subscript-fn", "a = print[0]", "runtime"),
    ("iterate-namespace", "for a in torch:\n    pass", "runtime"),
    # Python reads identifiers in NFKC form (PEP 3131): a full-width or mathematical spelling is the same name,
    # refused as that name; a string is not normalised, so getattr with one finds nothing.
    ("fullwidth-eval", "a = ｅｖａｌ('1')", "forbidden"),
    ("bold-exec", "𝐞𝐱𝐞𝐜('import os')", "forbidden"),
    ("fullwidth-breakpoint", "ｂｒｅａｋｐｏｉｎｔ()", "forbidden"),
    ("fullwidth-dunder-import", "a = __ｉｍｐｏｒｔ__('os')", "forbidden"),
    ("fullwidth-class", "a = ().__ｃｌａｓｓ__", "forbidden"),
    ("fullwidth-mro", "a = type(torch.ones(2)).__ｍｒｏ__", "forbidden"),
    ("fullwidth-tensor-dict", "a = torch.ones(2).__ｄｉｃｔ__", "forbidden"),
    ("fullwidth-torch-os", "a = torch.ｏｓ", "forbidden"),
    ("fullwidth-torch-C", "a = torch._Ｃ", "forbidden"),
    ("fullwidth-import-os", "import ｏｓ\na = ｏｓ.getcwd()", "forbidden"),
    ("fullwidth-from-os", "from ｏｓ import path\na = path.exists('/')", "forbidden"),
    ("fullwidth-getattr-string", "a = getattr((), '__ｃｌａｓｓ__')", "forbidden"),
    ("fullwidth-format-field", "s = '{0.__ｃｌａｓｓ__}'.format(1)", "forbidden"),
    ("chinese-name-class", "对象 = ()\n类 = 对象.__class__", "forbidden"),
    ("chinese-name-subclasses", "基类 = ().__class__.__bases__[0]\n子类 = 基类.__subclasses__()", "forbidden"),
    ("chinese-names-run", "权重 = torch.ones(2, requires_grad=True)\n损失 = (权重 * 2).sum()\n损失.backward()", "ok"),
]

CLASS = "class A:\n    def f(self):\n        return 1\n"
NET = "class N(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(2, 2)\n"
FN_HEAD = "class F(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n"
FN = FN_HEAD + "        return x * 2\n"
APPLY = "a = F.apply(torch.ones(2))"
FORWARD = "    def forward(self, x):\n        return self.fc(x)\n"

# User classes, instances, functions and exceptions: no path to a real Python class's internals.
CLASSES: list[Case] = [
    ("instance-class", CLASS + "a = A().__class__", "ok"),  # the program's own class
    ("instance-class-class", CLASS + "a = A().__class__.__class__", "forbidden"),
    ("instance-class-bases", CLASS + "a = A().__class__.__bases__", "forbidden"),
    ("instance-dict", CLASS + "a = A().__dict__", "forbidden"),
    ("class-dict", CLASS + "a = A.__dict__", "forbidden"),
    ("class-subclasses", CLASS + "a = A.__subclasses__()", "forbidden"),
    ("class-mro", CLASS + "a = A.__mro__", "forbidden"),
    ("class-bases", CLASS + "a = A.__bases__", "forbidden"),
    ("class-name", CLASS + "a = A.__name__", "ok"),
    ("class-name-of-host", "a = torch.ones.__name__", "forbidden"),
    ("method-globals", CLASS + "a = A.f.__globals__", "forbidden"),
    ("bound-method-func", CLASS + "a = A().f.__func__", "forbidden"),
    ("bound-method-fields", CLASS + "a = A().f.function", "forbidden"),
    ("init-globals", CLASS + "a = A.__init__.__globals__", "forbidden"),
    ("getattr-dict", CLASS + "a = getattr(A(), '__dict__')", "forbidden"),
    ("getattr-subclasses", CLASS + "a = getattr(A, '__subclasses__')", "forbidden"),
    ("getattr-class", CLASS + "a = getattr(A(), '__class__')", "ok"),
    ("getattr-class-bases", CLASS + "a = getattr(A().__class__, '__bases__')", "forbidden"),
    ("hasattr-globals", CLASS + "a = hasattr(A.f, '__globals__')", "forbidden"),
    ("internal-names", CLASS + "b = A()\nb.sandbox_class = 1\na = A().sandbox_class", "runtime"),
    ("set-dunder", CLASS + "b = A()\nb.__class__ = int", "forbidden"),
    ("init-subclass", "class A:\n    def __init_subclass__(cls):\n        pass", "forbidden"),
    ("getattr-dunder-method", "class A:\n    def __getattr__(self, n):\n        return 1", "forbidden"),
    ("metaclass", "class A(metaclass=print):\n    pass", "forbidden"),
    ("type-base", "class A(type):\n    pass", "forbidden"),
    ("int-base", "class A(int):\n    pass", "forbidden"),
    ("tensor-base", "class T(torch.Tensor):\n    pass", "forbidden"),
    ("linear-base", "class L(nn.Linear):\n    pass", "forbidden"),
    ("class-decorator-host", "@torch.ones\nclass A:\n    pass", "forbidden"),
    ("super-class", "class A:\n    def f(self):\n        return super().__class__\na = A().f()", "forbidden"),
    ("super-self-class", "class A:\n    def f(self):\n        return super().__self_class__\na = A().f()", "forbidden"),
    ("super-init-ok", "class A:\n    def f(self):\n        return getattr(super(), '__init__')\nprint(A().f())", "ok"),
    ("super-outside-method", "def f(x):\n    return super()\na = f(1)", "runtime"),
    ("instance-to-torch", CLASS + "a = torch.tensor([A()])", "forbidden"),
    ("class-to-torch", CLASS + "a = torch.relu(A)", "forbidden"),
    ("recursive-repr", "class A:\n    def __repr__(self):\n        return repr(self)\nprint(A())", "limit"),
    ("recursive-init", "class A:\n    def __init__(self):\n        A()\nA()", "limit"),
    ("recursive-operator", "class A:\n    def __add__(self, o):\n        return self + o\na = A() + 1", "limit"),
    ("iter-self", "class A:\n    def __iter__(self):\n        return self\nfor a in A():\n    pass", "runtime"),
    ("len-not-int", "class A:\n    def __len__(self):\n        return 'x'\na = len(A())", "runtime"),
    ("module-internals", NET + "m = N()\na = m._parameters", "forbidden"),
    ("module-dict", NET + "m = N()\na = m.__dict__", "forbidden"),
    ("module-replace-internals", NET + "        self._parameters = nn.Linear(2, 2)\nm = N()", "forbidden"),
    ("module-forward-hook", NET + "m = N()\nm.register_forward_hook(print)", "forbidden"),
    ("module-apply", NET + "m = N()\nm.apply(print)", "ok"),  # print runs in the interpreter
    ("module-in-sequential", NET + FORWARD + "m = nn.Sequential(N(), nn.ReLU())\nprint(m(torch.ones(1, 2)))", "ok"),
    ("function-instance", FN + "a = F()", "runtime"),
    ("function-forward-cls", FN + "y = F.apply(torch.ones(2))\na = y.grad_fn._forward_cls", "forbidden"),
    ("function-ctx-internals", FN_HEAD + "        return ctx.ctx\na = F.apply(torch.ones(2))", "forbidden"),
    ("function-ctx-saved-set", FN_HEAD + "        ctx.saved_tensors = 1\n        return x\n" + APPLY, "forbidden"),
    ("function-returns-class", FN_HEAD + "        return F\n" + APPLY, "ok"),  # the program's own class
    ("exception-traceback", "try:\n    1 / 0\nexcept Exception as e:\n    a = e.__traceback__", "forbidden"),
    ("exception-with-traceback", "try:\n    1 / 0\nexcept Exception as e:\n    a = e.with_traceback", "forbidden"),
    ("exception-args", "try:\n    1 / 0\nexcept ZeroDivisionError as e:\n    print(e.args, e)", "ok"),
    ("catch-limit", "try:\n    a = torch.ones(10 ** 10)\nexcept Exception:\n    pass", "limit"),
    ("catch-forbidden", "try:\n    a = torch.os\nexcept Exception:\n    pass", "forbidden"),
    ("catch-steps", "try:\n    while True:\n        pass\nexcept Exception:\n    print('caught')", "limit"),
    ("raise-non-exception", "raise print", "runtime"),
    ("lambda-globals", "f = lambda: 1\na = f.__globals__", "forbidden"),
    ("lambda-code", "f = lambda: 1\na = f.__code__", "forbidden"),
    ("lambda-to-torch", "a = torch.ones(2).apply_(lambda v: v)", "forbidden"),
    ("decorator-host", "@torch.ones\ndef f():\n    pass", "forbidden"),
    ("tensor-side-attribute", "t = torch.ones(2)\nt.g = print\nprint(t.g)", "ok"),
    ("tensor-set-dunder", "t = torch.ones(2)\nt.__dict__ = 1", "forbidden"),
    ("tensor-set-method", "t = torch.ones(2)\nt.sum = 1", "forbidden"),
    ("map-host", "a = list(map(torch.ones, [2, 3]))\nprint(a)", "ok"),
    ("iter-next-past-end", "i = iter([1])\nnext(i)\nnext(i)", "runtime"),
    ("dataset-call", "from torch.utils.data import Dataset\na = Dataset()", "forbidden"),
    (
        "dataset-item-function",
        "from torch.utils.data import Dataset, DataLoader\nclass D(Dataset):\n"
        "    def __len__(self):\n        return 2\n    def __getitem__(self, i):\n        return print\n"
        "for b in DataLoader(D()):\n    pass",
        "runtime",
    ),
]

# Files, network, native code, compilers, profilers: none is reachable.
FILES_AND_NETWORK: list[Case] = [
    ("torch-save", "torch.save(torch.ones(2), '{DIR}/a.pt')", "forbidden"),
    ("torch-load", "a = torch.load('{DIR}/a.pt')", "forbidden"),
    ("torch-from-file", "a = torch.from_file('{DIR}/a', size=4)", "forbidden"),
    ("untyped-storage-from-file", "a = torch.UntypedStorage.from_file('{DIR}/a', True, 4)", "forbidden"),
    ("byte-storage-from-file", "a = torch.ByteStorage.from_file('{DIR}/a', True, 4)", "forbidden"),
    ("serialization", "a = torch.serialization.save", "forbidden"),
    ("hub-load", "a = torch.hub.load('pwned/repo', 'model')", "forbidden"),
    ("hub-download", "torch.hub.download_url_to_file('http://127.0.0.1:{PORT}/', '{DIR}/a')", "forbidden"),
    ("hub-set-dir", "torch.hub.set_dir('{DIR}')", "forbidden"),
    ("ops-load-library", "torch.ops.load_library('{DIR}/evil.so')", "forbidden"),
    ("classes-load-library", "torch.classes.load_library('{DIR}/evil.so')", "forbidden"),
    ("cpp-extension", "a = torch.utils.cpp_extension.load_inline('x', '')", "forbidden"),
    ("compile", "a = torch.compile(torch.ones)", "forbidden"),
    ("jit-script", "a = torch.jit.script", "forbidden"),
    ("jit-load", "a = torch.jit.load('{DIR}/m.pt')", "forbidden"),
    ("jit-save", "torch.jit.save(1, '{DIR}/m.pt')", "forbidden"),
    ("onnx-export", "torch.onnx.export(1, 2, '{DIR}/m.onnx')", "forbidden"),
    ("export", "a = torch.export.export", "forbidden"),
    ("profiler", "p = torch.profiler.profile()", "forbidden"),
    ("profiler-export", "torch.autograd.profiler.profile().export_chrome_trace('{DIR}/t.json')", "forbidden"),
    ("distributed", "torch.distributed.init_process_group('gloo')", "forbidden"),
    ("rpc", "torch.distributed.rpc.init_rpc('w')", "forbidden"),
    ("multiprocessing", "a = torch.multiprocessing.Process", "forbidden"),
    ("cuda", "a = torch.cuda.is_available()\nprint(a)", "ok"),
    ("cuda-internals", "a = torch.cuda.memory_allocated()", "forbidden"),
    ("backends", "a = torch.backends.mkldnn", "forbidden"),
    ("data-loader", "a = torch.utils.data.DataLoader", "ok"),
    ("data-loader-internals", "a = torch.utils.data.dataloader", "forbidden"),
    ("tensorboard", "a = torch.utils.tensorboard.SummaryWriter('{DIR}')", "forbidden"),
    # An import alone runs (it binds a stand-in); the first use is refused on its line.
    ("import-os", "import os\nos.system('touch {DIR}/pwned')", "forbidden"),
    ("import-sys", "import sys\nsys.modules['os'].system('touch {DIR}/pwned')", "forbidden"),
    ("import-socket", "import socket\nsocket.create_connection(('127.0.0.1', {PORT}))", "forbidden"),
    ("from-socket", "from socket import create_connection\ncreate_connection(('127.0.0.1', {PORT}))", "forbidden"),
    ("import-urllib", "import urllib.request\nurllib.request.urlopen('http://127.0.0.1:{PORT}/')", "forbidden"),
    ("import-subprocess", "import subprocess\nsubprocess.run(['touch', '{DIR}/pwned'])", "forbidden"),
    ("import-ctypes", "import ctypes\nctypes.CDLL(None)", "forbidden"),
    ("import-pickle", "import pickle\npickle.loads(b'x')", "forbidden"),
    ("import-builtins", "import builtins\nbuiltins.open('{DIR}/pwned', 'w')", "forbidden"),
    ("import-importlib", "import importlib\nimportlib.import_module('os')", "forbidden"),
    ("import-pathlib", "import pathlib\npathlib.Path('{DIR}/pwned').touch()", "forbidden"),
    ("import-os-passed", "import os\na = torch.tensor(os)", "forbidden"),
    ("import-os-called", "from os import system\nsystem('touch {DIR}/pwned')", "forbidden"),
    ("import-numpy", "import numpy\na = numpy.ones(2)\nprint(a)", "ok"),
    ("import-torch-hub", "import torch.hub\ntorch.hub.load('pwned/repo', 'model')", "forbidden"),
    ("import-torch-C", "import torch._C", "forbidden"),
    ("from-torch-hub", "from torch import hub\nhub.load('pwned/repo', 'model')", "forbidden"),
    ("from-torch-C", "from torch import _C", "forbidden"),
    ("from-torch-save", "from torch import save\nsave(torch.ones(2), '{DIR}/a.pt')", "forbidden"),
    ("from-torch-star", "from torch import *", "forbidden"),
    ("relative-import", "from . import pwned", "forbidden"),
    ("import-alias-underscore", "import torch as _t", "forbidden"),
    ("open-write", "open('pwned.txt', 'w').write('x')", "forbidden"),
    ("print-file", "print('x', file=open('pwned.txt', 'w'))", "forbidden"),
    ("print-file-kw", "print('x', file=1)", "runtime"),
]

# Process-wide state: refused, or restored before the next request (see test_state.py).
STATE: list[Case] = [
    ("set-default-dtype", "torch.set_default_dtype(torch.float64)", "forbidden"),
    ("set-default-device", "torch.set_default_device('meta')", "forbidden"),
    ("set-default-tensor-type", "torch.set_default_tensor_type('torch.DoubleTensor')", "forbidden"),
    ("set-printoptions", "torch.set_printoptions(precision=1)\nprint(torch.ones(1) / 3)", "ok"),
    ("set-num-threads", "torch.set_num_threads(64)", "forbidden"),
    ("set-rng-state", "torch.set_rng_state(torch.ones(1))", "forbidden"),
    ("get-rng-state", "a = torch.get_rng_state()", "forbidden"),
    ("random-module", "a = torch.random.seed()", "forbidden"),
    ("seed", "torch.seed()", "forbidden"),
    ("anomaly", "torch.autograd.set_detect_anomaly(True)", "forbidden"),
    ("anomaly-enabled", "torch.set_anomaly_enabled(True)", "forbidden"),
    ("flush-denormal", "torch.set_flush_denormal(True)", "forbidden"),
    ("deterministic", "torch.use_deterministic_algorithms(True)", "forbidden"),
    ("inference-mode", "with torch.inference_mode():\n    pass", "ok"),  # left on exit, like no_grad
    ("inference-mode-off", "with torch.inference_mode(False):\n    pass", "forbidden"),
    ("default-device-cpu", "torch.set_default_device('cpu')", "ok"),
    ("patch-torch-fn", "torch.ones = torch.zeros", "forbidden"),
    ("patch-tensor-class", "torch.Tensor.add = 1", "forbidden"),
    ("patch-math-pi", "math.pi = 3", "forbidden"),
    ("patch-aug-pi", "torch.pi += 1", "forbidden"),
    ("patch-nn-forward", "nn.Linear.forward = print", "forbidden"),
    ("patch-F", "F.relu = F.sigmoid", "forbidden"),
    ("delete-torch-fn", "del torch.ones", "forbidden"),
    ("patch-module-weight", "m = nn.Linear(2, 2)\nm.weight = torch.ones(2, 2)", "forbidden"),
    ("patch-tensor-method", "x = torch.ones(2)\nx.backward = 3", "forbidden"),
    ("with-non-grad-mode", "with open('pwned.txt'):\n    pass", "forbidden"),
    ("with-tensor", "with torch.ones(2):\n    pass", "forbidden"),
]

# Memory and CPU: refused before the work where the size is known, by the worker otherwise.
EXHAUSTION: list[Case] = [
    ("ones-1e10", "x = torch.ones(10**10)", "limit"),
    ("zeros-square", "x = torch.zeros((100000, 100000))", "limit"),
    ("full", "x = torch.full([10**6, 10**6], 1.0)", "limit"),
    ("randn-size-kw", "x = torch.randn(size=(10**5, 10**5))", "limit"),
    ("rand", "x = torch.rand(10**5, 10**5)", "limit"),
    ("empty", "x = torch.empty(10**12)", "limit"),
    ("tensor-class", "x = torch.Tensor(10**5, 10**5)", "limit"),
    ("randint", "x = torch.randint(0, 5, (10**5, 10**5))", "limit"),
    ("arange", "x = torch.arange(0, 10**12)", "limit"),
    ("arange-float-step", "x = torch.arange(0, 1, 1e-12)", "limit"),
    ("linspace", "x = torch.linspace(0, 1, 10**12)", "limit"),
    ("eye", "x = torch.eye(10**6)", "limit"),
    ("expand", "x = torch.ones(3).expand(10**6, 10**6)", "limit"),
    ("expand-contiguous", "x = torch.ones(1).expand(10**9).contiguous()", "limit"),
    ("repeat", "x = torch.ones(3).repeat(10**6, 10**6)", "limit"),
    ("kron", "x = torch.kron(torch.ones(10**4), torch.ones(10**4))", "limit"),
    ("outer", "x = torch.outer(torch.ones(10**4), torch.ones(10**4))", "limit"),
    ("one-hot", "x = F.one_hot(torch.zeros(10**3, dtype=torch.long), 10**6)", "limit"),
    ("broadcast-add", "a = torch.ones(10**4, 1)\nb = a + a.t()", "limit"),
    ("broadcast-where", "a = torch.ones(10**4, 1)\nb = torch.where(a > 0, a, a.t())", "limit"),
    ("cat", "x = torch.cat([torch.ones(4000000)] * 1000)", "limit"),
    ("stack", "x = torch.stack([torch.ones(4000000)] * 1000)", "limit"),
    ("diag", "x = torch.diag(torch.ones(100000))", "limit"),
    ("einsum-outer", "x = torch.einsum('i,j->ij', torch.ones(100000), torch.ones(100000))", "limit"),
    ("einsum-contract", "a = torch.ones(1000)\nx = torch.einsum('i,j,k->', a, a, a)", "limit"),
    ("F-linear", "x = F.linear(torch.ones(2000000, 1), torch.ones(2000000, 1))", "limit"),
    ("nn-linear", "m = nn.Linear(100000, 100000)", "limit"),
    ("pad", "x = F.pad(torch.ones(3), (0, 10**10))", "limit"),
    ("tensor-range", "x = torch.tensor(range(10**9))", "limit"),
    ("new-tensor-range", "x = torch.ones(1).new_tensor(range(10**9))", "limit"),
    ("new-ones", "x = torch.ones(1).new_ones(10**6, 10**6)", "limit"),
    ("tolist", "x = torch.ones(4000000).tolist()", "limit"),
    ("many-tensors", "xs = [torch.ones(4000000) for i in range(1000)]", "limit"),
    ("many-arrays", "import numpy as np\nxs = [np.ones(4000000) for i in range(1000)]", "limit"),
    # Memory alive at once is bounded (a loop that frees what it made runs until its time is up).
    ("matmul-loop", "a = torch.ones(1000, 1000)\nxs = []\nfor i in range(100):\n    xs.append(a @ a)", "limit"),
    ("str-repeat", "s = 'a' * 10**9", "limit"),
    ("list-repeat", "s = [0] * 10**9", "limit"),
    ("list-range", "s = list(range(10**9))", "limit"),
    ("list-comp", "s = [i for i in range(10**9)]", "limit"),
    ("append-loop", "s = []\nfor i in range(10**9):\n    s.append(i)", "limit"),
    ("ljust", "s = 'ab'.ljust(10**9)", "limit"),
    ("join", "s = ''.join(['a' * 100000] * 100000)", "limit"),
    ("replace", "s = ('a' * 100000).replace('a', 'bb' * 1000)", "limit"),
    ("fstring-width", "s = f'{1:>1000000000}'", "limit"),
    ("fstring-precision", "s = f'{1.5:.99999999f}'", "limit"),
    ("percent-width", "s = '%1000000000d' % 1", "limit"),
    ("percent-star", "s = '%*d' % (10**9, 1)", "forbidden"),
    ("percent-huge-value", "s = '%s' % (['a' * 100000] * 100000,)", "limit"),
    ("sum-lists", "a = [[0] * 100000] * 100000\nb = sum(a, [])", "limit"),
    ("int-pow", "x = 10**10**10", "limit"),
    ("int-shift", "x = 1 << 10**9", "limit"),
    ("int-mul-loop", "x = 3\nfor i in range(100):\n    x = x * x", "limit"),
    ("int-digits", "x = int('9' * 5000)", "runtime"),
    ("float-pow", "x = 10.0 ** 10**6", "runtime"),
    ("while-true", "while True:\n    pass", "limit"),
    ("for-huge-range", "for i in range(10**18):\n    pass", "limit"),
    ("recursion", "def f(n):\n    return f(n + 1)\nf(0)", "limit"),
    ("mutual-recursion", "def f(n):\n    return g(n)\ndef g(n):\n    return f(n)\nf(0)", "limit"),
    ("nested-list-data", "a = []\nfor i in range(3000):\n    a = [a]\nx = torch.tensor(a)", "limit"),
    ("nested-list-str", "a = []\nfor i in range(3000):\n    a = [a]\nprint(str(a))", "limit"),
    ("self-list-print", "a = [1]\na.append(a)\nprint(a)", "limit"),
    ("print-flood", "for i in range(100000):\n    print('x' * 1000)", "limit"),
    ("print-big-tensor", "print(torch.ones(1000, 1000))", "ok"),
    ("graph-1e5-nodes", "x = torch.ones(1, requires_grad=True)\ny = sum([x] * 100000)\ny.backward()", "limit"),
    ("graph-1e5-auto", "x = torch.ones(1, requires_grad=True)\ny = sum([x] * 100000)", "limit"),
    (
        "autograd-nodes-1e5",
        "x = torch.ones(1, requires_grad=True)\ny = x * 1.0\nfor i in range(20):\n    y = sum([y] * 5000)",
        "limit",
    ),
    (
        "graph-6000-chain",
        "x = torch.ones(1, requires_grad=True)\ny = x\nfor i in range(6000):\n    y = y * 1.0\ny.backward()",
        "limit",
    ),
    (
        "many-backwards",
        "x = torch.ones(2, requires_grad=True)\nfor i in range(500):\n    (x * 2).sum().backward()",
        "ok",
    ),
    ("deep-brackets", "x = " + "(" * 500 + "1" + ")" * 500, "limit"),
    ("deep-lists", "x = " + "[" * 5000 + "]" * 5000, "limit"),
    ("deep-unary", "x = " + "-" * 15000 + "1", "limit"),
    ("deep-not", "x = " + "not " * 4000 + "1", "limit"),
    ("deep-binop", "x = 1" + " + 1" * 4000, "limit"),
    ("deep-attribute", "x = torch" + ".t" * 5000, "limit"),
    ("deep-indent", "".join(" " * i + "if 1:\n" for i in range(120)) + " " * 120 + "pass", "syntax"),
    ("many-nodes", "x = [" + "1, " * 6000 + "]", "ok"),
    ("long-source", "x = 1\n" * 4000, "limit"),
]

# Results that must still encode as JSON: NaN, infinities, complex numbers, odd text.
ODD_RESULTS: list[Case] = [
    ("nan", "x = torch.tensor([float('nan'), 1.0], requires_grad=True)\ny = (x * 2).sum()\ny.backward()", "ok"),
    ("inf", "x = torch.zeros(2, requires_grad=True)\ny = torch.log(x).sum()\ny.backward()", "ok"),
    ("complex", "x = torch.tensor([1 + 2j], requires_grad=True)\ny = (x * x).abs().sum()\ny.backward()", "ok"),
    ("complex-python", "a = 1j\nprint(a * a)", "ok"),
    ("surrogate-print", "print('\\ud800')", "runtime"),
    ("surrogate-error", "a = [].index('\\ud800')", "runtime"),
    ("nul-in-string", "print('a\\x00b')", "ok"),
    ("emoji", "print('🔥')", "ok"),
    ("nul-in-source", "x = 1\x00", "syntax"),
    ("bom", "\ufeffx = 1", "syntax"),
    ("float-huge", "x = torch.tensor([1e308], requires_grad=True)\ny = (x * 10).sum()\ny.backward()", "ok"),
]

ALL: list[Case] = ESCAPE + FILES_AND_NETWORK + STATE + EXHAUSTION + ODD_RESULTS


# round 2: classes, imports and the new surface (red team, 2026-12-01; findings kept out are in the
# team's red-team notes). Each attack went through the real app and worker pool: user classes and
# nn.Module internals, autograd.Function ctx, try/finally, hooks and callbacks, higher-order builtins,
# str.format, imports at use, numpy/random/DataLoader/plotting stand-ins, torch surface additions.
R2_NP = "import numpy as np\n"
R2_DATA = "from torch.utils.data import DataLoader, TensorDataset\n"
R2_DATASET = "from torch.utils.data import Dataset, DataLoader\n"
USER_MODULE = (
    "class N(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(2, 2)\n"
    "m = N()\n"
)
ROUND_2: list[Case] = [
    ("r2-fmt-attr", "a = '{0.__class__}'.format(1)", "forbidden"),
    ("r2-fmt-index", "a = '{0[0]}'.format([1])", "forbidden"),
    ("r2-fmt-conv-r-user", CLASS + "print('{!r}'.format(A()))", "ok"),
    ("r2-fmt-map", "a = '{x}'.format_map({'x': 1})\nprint(a)", "forbidden"),
    ("r2-fmt-spec-nested", "a = '{:{}}'.format(1, 10**9)", "forbidden"),
    ("r2-fmt-width", "a = '{:>1000000000}'.format(1)", "limit"),
    (
        "r2-fmt-user-format",
        "class A:\n    def __format__(self, s):\n        return s\nprint('{:abc}'.format(A()))",
        "forbidden",
    ),
    (
        "r2-fstring-user-format",
        "class A:\n    def __format__(self, s):\n        return s\nprint(f'{A():abc}')",
        "forbidden",
    ),
    ("r2-fstring-attr", "a = f'{(1).__class__}'", "forbidden"),
    ("r2-getattr-computed", "a = getattr((), '__' + 'class__')", "forbidden"),
    ("r2-getattr-computed-user", CLASS + "a = getattr(A(), '__' + 'class__')\nprint(a)", "ok"),
    ("r2-class-attr-print", CLASS + "print(A().__class__)\nprint(A().__class__.__name__)", "ok"),
    ("r2-class-of-class", CLASS + "a = A().__class__.__class__", "forbidden"),
    ("r2-class-name-class", CLASS + "a = A.__name__.__class__", "forbidden"),
    ("r2-module-modules", NET + "m = N()\nprint(m._modules)\nprint(type(m._modules))", "ok"),
    ("r2-module-modules-items", NET + "m = N()\nfor k, v in m._modules.items():\n    print(k, v)", "ok"),
    ("r2-module-modules-dict-class", NET + "m = N()\na = m._modules.__class__", "forbidden"),
    ("r2-module-modules-pop", NET + "m = N()\nm._modules.pop('fc')\nprint(m)", "ok"),
    ("r2-module-class", NET + "m = N()\nprint(m.__class__)\nprint(m.__class__.__name__)", "ok"),
    ("r2-module-class-mro", NET + "m = N()\na = m.__class__.__mro__", "forbidden"),
    ("r2-module-type", NET + "m = N()\nprint(type(m))", "ok"),
    ("r2-type-instance", CLASS + "print(type(A()))", "ok"),
    ("r2-type-3arg", "a = type('X', (), {})", "forbidden"),
    ("r2-isinstance-module", NET + "m = N()\nprint(isinstance(m, nn.Module), isinstance(m, N))", "ok"),
    (
        "r2-module-load-state-dict",
        "class N(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.fc = nn.Linear(2, 2)\nm = N()\n"
        "m.load_state_dict({'fc.weight': torch.zeros(2,2), 'fc.bias': torch.zeros(2)})\nprint(m.fc.weight)",
        "forbidden",
    ),
    ("r2-module-load-state-dict-odd", NET + "m = N()\nm.load_state_dict({'fc.weight': print})", "forbidden"),
    ("r2-module-to-odd", NET + "m = N()\nm.to(print)", "forbidden"),
    ("r2-module-to-meta", NET + "m = N()\nm.to('meta')\nprint(m.fc.weight)", "runtime"),
    ("r2-module-cuda", NET + "m = N()\nm.cuda()", "forbidden"),
    ("r2-module-setstate", NET + "m = N()\nm.__setstate__({})", "forbidden"),
    ("r2-module-getstate", NET + "m = N()\na = m.__getstate__()", "forbidden"),
    ("r2-module-state-dict-hook", NET + "m = N()\nm.register_state_dict_pre_hook(print)", "forbidden"),
    ("r2-module-load-hook", NET + "m = N()\nm._register_load_state_dict_pre_hook(print)", "forbidden"),
    ("r2-module-register-buffer-fn", NET + "m = N()\nm.register_buffer('b', print)", "forbidden"),
    ("r2-module-register-module-fn", NET + "m = N()\nm.register_module('b', print)", "forbidden"),
    ("r2-module-add-module-fn", NET + "m = N()\nm.add_module('b', print)", "forbidden"),
    ("r2-module-setattr-fn", NET + "m = N()\nm.g = print\nprint(m.g)", "ok"),
    ("r2-module-setattr-torch", NET + "m = N()\nm.g = torch\nprint(m.g)\nprint(m)", "ok"),
    ("r2-module-setattr-training", NET + "m = N()\nm.training = print\nm.eval()", "ok"),
    ("r2-module-forward-override-host", NET + "m = N()\nm.forward = print\nm(1)", "runtime"),
    ("r2-module-call-impl", NET + "m = N()\na = m._call_impl", "forbidden"),
    (
        "r2-module-self-dict-in-init",
        "class N(nn.Module):\n    def __init__(self):\n        super().__init__()\n        print(self.__dict__)\nN()",
        "forbidden",
    ),
    (
        "r2-module-init-not-called",
        "class N(nn.Module):\n    def __init__(self):\n        self.fc = nn.Linear(2, 2)\nm = N()\nprint(m)",
        "runtime",
    ),
    (
        "r2-module-super-getattr",
        "class N(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        a = super().__getattr__('_parameters')\nN()",
        "forbidden",
    ),
    (
        "r2-module-super-setattr",
        "class N(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        super().__setattr__('_parameters', 1)\nN()",
        "forbidden",
    ),
    (
        "r2-module-super-dict",
        "class N(nn.Module):\n    def __init__(self):\n        super().__init__()\n        a = super().__dict__\nN()",
        "forbidden",
    ),
    (
        "r2-module-super-call-impl",
        "class N(nn.Module):\n    def f(self):\n        return super()._call_impl\nN().f()",
        "forbidden",
    ),
    (
        "r2-module-super-apply",
        "class N(nn.Module):\n    def f(self):\n        return super().apply(print)\nN().f()",
        "runtime",
    ),
    (
        "r2-module-super-register-hook",
        "class N(nn.Module):\n    def f(self):\n        return super().register_forward_hook(print)\nN().f()",
        "forbidden",
    ),
    (
        "r2-module-super-named",
        "class N(nn.Module):\n    def f(self):\n        return super().named_modules\nprint(N().f())",
        "runtime",
    ),
    (
        "r2-module-super-forward",
        "class N(nn.Module):\n    def f(self):\n        return super().forward(1)\nN().f()",
        "runtime",
    ),
    (
        "r2-module-super-getstate",
        "class N(nn.Module):\n    def f(self):\n        return super().__getstate__()\nprint(N().f())",
        "forbidden",
    ),
    (
        "r2-module-super-reduce",
        "class N(nn.Module):\n    def f(self):\n        return super().__reduce_ex__(2)\nprint(N().f())",
        "forbidden",
    ),
    (
        "r2-super-two-arg",
        "class A:\n    def f(self):\n        return 1\nclass B(A):\n    def g(self):\n"
        "        return super(B, self).f()\nprint(B().g())",
        "ok",
    ),
    ("r2-super-two-arg-host", CLASS + "a = super(A, 1)", "ok"),
    ("r2-super-int", "a = super(int)", "runtime"),
    ("r2-module-apply-user", NET + "def f(m):\n    print(m)\nm = N()\nm.apply(f)", "ok"),
    ("r2-module-children", NET + "m = N()\nprint(list(m.children()), list(m.modules()))", "ok"),
    ("r2-module-named-modules", NET + "m = N()\nfor n, c in m.named_modules():\n    print(n, c)", "ok"),
    ("r2-module-parameters-self", NET + "m = N()\nfor p in m.parameters():\n    print(p.shape)", "ok"),
    (
        "r2-module-extra-repr",
        "class N(nn.Module):\n    def extra_repr(self):\n        return repr(self)\nprint(N())",
        "limit",
    ),
    (
        "r2-module-repr-recursive",
        "class N(nn.Module):\n    def __repr__(self):\n        return repr(self)\nprint(N())",
        "limit",
    ),
    (
        "r2-module-self-in-modules",
        "class N(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.me = self\n"
        "m = N()\nprint(m)",
        "limit",
    ),
    (
        "r2-module-cycle",
        "class N(nn.Module):\n    def __init__(self):\n        super().__init__()\nm = N()\nn = N()\nm.a = n\n"
        "n.a = m\nprint(m)",
        "limit",
    ),
    (
        "r2-module-cycle-params",
        "class N(nn.Module):\n    def __init__(self):\n        super().__init__()\nm = N()\nn = N()\nm.a = n\n"
        "n.a = m\nprint(list(m.parameters()))\nprint(m.state_dict())",
        "limit",
    ),
    (
        "r2-finally-return-limit",
        "def f():\n    try:\n        a = torch.ones(10**10)\n    finally:\n        return 1\nprint(f())",
        "limit",
    ),
    (
        "r2-finally-return-forbidden",
        "def f():\n    try:\n        a = torch.os\n    finally:\n        return 1\nprint(f())",
        "forbidden",
    ),
    (
        "r2-finally-return-depth",
        "def g():\n    return g()\ndef f():\n    try:\n        g()\n    finally:\n        return 1\nprint(f())",
        "limit",
    ),
    (
        "r2-finally-break-memory",
        "while True:\n    try:\n        xs = [torch.ones(4000000) for i in range(1000)]\n    finally:\n"
        "        break\nprint('escaped')",
        "limit",
    ),
    ("r2-except-bare-limit", "try:\n    a = torch.ones(10**10)\nexcept:\n    print('caught')", "limit"),
    ("r2-except-base", "try:\n    while True:\n        pass\nexcept BaseException:\n    print('caught')", "forbidden"),
    ("r2-except-tb", "try:\n    1/0\nexcept Exception as e:\n    a = e.__traceback__.tb_frame", "forbidden"),
    ("r2-except-context", "try:\n    1/0\nexcept Exception as e:\n    a = e.__context__", "forbidden"),
    ("r2-except-cause", "try:\n    1/0\nexcept Exception as e:\n    a = e.__cause__", "forbidden"),
    (
        "r2-except-class",
        "try:\n    1/0\nexcept Exception as e:\n    print(e.__class__)\n    print(type(e))",
        "forbidden",
    ),
    ("r2-except-obj", "try:\n    a = [].foo\nexcept AttributeError as e:\n    print(e.obj)", "forbidden"),
    ("r2-except-name", "try:\n    a = [].foo\nexcept AttributeError as e:\n    print(e.name)", "forbidden"),
    (
        "r2-except-args-torch",
        "try:\n    torch.ones(2) @ torch.ones(3)\nexcept RuntimeError as e:\n    print(e.args)",
        "ok",
    ),
    ("r2-except-keyerror-host", "d = {}\ntry:\n    d[torch]\nexcept KeyError as e:\n    print(e.args, repr(e))", "ok"),
    ("r2-except-keyerror-tensor", "d = {}\ntry:\n    d[torch.ones(1)]\nexcept KeyError as e:\n    print(e.args)", "ok"),
    (
        "r2-except-user-exception-attrs",
        "class E(Exception):\n    pass\ntry:\n    raise E(print)\nexcept E as e:\n    print(e.args, e)",
        "ok",
    ),
    (
        "r2-except-user-exception-class",
        "class E(Exception):\n    pass\ntry:\n    raise E(1)\nexcept E as e:\n    a = e.__class__\n"
        "    print(a, a.__name__)",
        "ok",
    ),
    (
        "r2-user-exc-traceback",
        "class E(Exception):\n    pass\ntry:\n    raise E(1)\nexcept E as e:\n    a = e.with_traceback",
        "forbidden",
    ),
    (
        "r2-user-exc-str-recursive",
        "class E(Exception):\n    def __str__(self):\n        return str(self)\nraise E()",
        "limit",
    ),
    (
        "r2-user-exc-str-nonstr",
        "class E(Exception):\n    def __str__(self):\n        return torch\nraise E()",
        "runtime",
    ),
    ("r2-exc-host-in-args", "e = ValueError(print, torch)\nprint(e.args)\nprint(e)", "ok"),
    ("r2-exc-raise-host-args", "raise ValueError(torch, print)", "runtime"),
    ("r2-raise-class-host", "raise torch.ones", "runtime"),
    (
        "r2-raise-from",
        "try:\n    raise ValueError(1) from print\nexcept ValueError as e:\n    print(e.__cause__)",
        "forbidden",
    ),
    ("r2-exc-mro", "a = ValueError.__mro__", "forbidden"),
    ("r2-exc-subclasses", "a = Exception.__subclasses__()", "forbidden"),
    ("r2-exc-name", "print(ValueError.__name__)", "ok"),
    ("r2-exc-class-call-kw", "e = ValueError(x=1)", "runtime"),
    (
        "r2-stopiteration-value",
        "i = iter([])\ntry:\n    next(i)\nexcept StopIteration as e:\n    print(e.value)",
        "forbidden",
    ),
    (
        "r2-exc-in-hook",
        "x = torch.ones(3, requires_grad=True)\ny = (x * 2).sum()\ndef h(g):\n    raise ValueError('x')\n"
        "x.register_hook(h)\ntry:\n    y.backward()\nexcept ValueError as e:\n    print('caught', e)",
        "runtime",
    ),
    (
        "r2-hook-reentrant",
        "x = torch.ones(3, requires_grad=True)\ny = (x * 2).sum()\ndef h(g):\n    z = (x * 3).sum()\n"
        "    z.backward()\n    return g\nx.register_hook(h)\ny.backward()",
        "runtime",
    ),
    (
        "r2-hook-recursive-backward",
        "x = torch.ones(3, requires_grad=True)\ndef h(g):\n    (x * 3).sum().backward()\n    return g\n"
        "x.register_hook(h)\n(x*2).sum().backward()",
        "runtime",
    ),
    ("r2-hook-returns-host", LEAF + "def h(g):\n    return torch\nx.register_hook(h)\ny.backward()", "runtime"),
    ("r2-hook-returns-fn", LEAF + "def h(g):\n    return h\nx.register_hook(h)\ny.backward()", "runtime"),
    (
        "r2-hook-returns-user",
        "class A:\n    def f(self):\n        return 1\nx = torch.ones(3, requires_grad=True)\ny = (x * 2).sum()\n"
        "def h(g):\n    return A()\nx.register_hook(h)\ny.backward()",
        "runtime",
    ),
    (
        "r2-hook-bigger-grad",
        "x = torch.ones(3, requires_grad=True)\ny = (x * 2).sum()\ndef h(g):\n    return torch.ones(10**4, 10**4)\n"
        "x.register_hook(h)\ny.backward()",
        "limit",
    ),
    ("r2-hook-lambda", LEAF + "x.register_hook(lambda g: print(g))\ny.backward()", "ok"),
    ("r2-hook-handle", LEAF + "h = x.register_hook(lambda g: g)\nprint(h)\nprint(h.id)\nh.remove()", "forbidden"),
    ("r2-hook-handle-dict", LEAF + "h = x.register_hook(lambda g: g)\na = h.hooks_dict_ref", "forbidden"),
    (
        "r2-hook-nonleaf-retains",
        "x = torch.ones(3, requires_grad=True)\ny = (x * 2).sum()\nz = x * 2\n"
        "z.register_hook(lambda g: print(g.grad_fn))\nz.sum().backward()",
        "ok",
    ),
    (
        "r2-hook-grad-fn",
        "x = torch.ones(3, requires_grad=True)\ny = (x * 2).sum()\ndef h(g):\n    print(g.grad_fn)\n    return g\n"
        "x.register_hook(h)\ny.backward(create_graph=True)",
        "ok",
    ),
    ("r2-hook-isinstance", LEAF + "x.register_hook(print)\ny.backward()", "ok"),
    (
        "r2-hook-mutate-x",
        "x = torch.ones(3, requires_grad=True)\ny = (x * 2).sum()\ndef h(g):\n"
        "    x.data = torch.ones(10**4, 10**3)\nx.register_hook(h)\ny.backward()",
        "limit",
    ),
    (
        "r2-post-accum-hook",
        "x = torch.ones(3, requires_grad=True)\ny = (x * 2).sum()\n"
        "x.register_post_accumulate_grad_hook(lambda p: print(p))\ny.backward()",
        "forbidden",
    ),
    ("r2-fn-ctx-dict", FN_HEAD + "        a = ctx.__dict__\n        return x\nF.apply(torch.ones(2))", "forbidden"),
    (
        "r2-fn-ctx-saved-variables",
        "class F(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n"
        "        ctx.save_for_backward(x)\n        return x*2\n    @staticmethod\n    def backward(ctx, g):\n"
        "        a = ctx.saved_variables\n        return g\ny = F.apply(torch.ones(2, requires_grad=True))\n"
        "y.sum().backward()",
        "forbidden",
    ),
    (
        "r2-fn-ctx-mark-dirty",
        "class F(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n"
        "        ctx.mark_dirty(x)\n        return x\nF.apply(torch.ones(2))",
        "forbidden",
    ),
    ("r2-fn-ctx-to-save", FN_HEAD + "        a = ctx.to_save\n        return x\nF.apply(torch.ones(2))", "forbidden"),
    (
        "r2-fn-ctx-next-functions",
        "class F(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n"
        "        a = ctx.next_functions\n        return x\nF.apply(torch.ones(2))",
        "runtime",
    ),
    (
        "r2-fn-ctx-repr",
        "class F(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        print(ctx)\n"
        "        return x*2\nF.apply(torch.ones(2, requires_grad=True))",
        "ok",
    ),
    ("r2-fn-ctx-as-arg", FN_HEAD + "        return torch.tensor(ctx)\nF.apply(torch.ones(2))", "forbidden"),
    (
        "r2-fn-ctx-save-host",
        "class F(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n"
        "        ctx.save_for_backward(print)\n        return x\nF.apply(torch.ones(2))",
        "forbidden",
    ),
    (
        "r2-fn-ctx-save-ctx",
        "class F(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n"
        "        ctx.save_for_backward(ctx)\n        return x\nF.apply(torch.ones(2))",
        "forbidden",
    ),
    (
        "r2-fn-ctx-escape",
        "class F(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n"
        "        global_ctx.append(ctx)\n        return x*2\n    @staticmethod\n    def backward(ctx, g):\n"
        "        return g\nglobal_ctx = []\ny = F.apply(torch.ones(2, requires_grad=True))\nc = global_ctx[0]\n"
        "print(c)\nprint(c.saved_tensors)\nc.save_for_backward(torch.ones(1))\nprint(y.grad_fn.saved_tensors)",
        "forbidden",
    ),
    (
        "r2-fn-backward-returns-host",
        "class F(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        return x*2\n"
        "    @staticmethod\n    def backward(ctx, g):\n        return torch\n"
        "y = F.apply(torch.ones(2, requires_grad=True))\ny.sum().backward()",
        "runtime",
    ),
    (
        "r2-fn-backward-returns-user",
        "class A:\n    def f(self):\n        return 1\nclass F(torch.autograd.Function):\n    @staticmethod\n"
        "    def forward(ctx, x):\n        return x*2\n    @staticmethod\n    def backward(ctx, g):\n"
        "        return A()\ny = F.apply(torch.ones(2, requires_grad=True))\ny.sum().backward()",
        "runtime",
    ),
    (
        "r2-fn-forward-returns-user",
        "class A:\n    def f(self):\n        return 1\nclass F(torch.autograd.Function):\n    @staticmethod\n"
        "    def forward(ctx, x):\n        return A()\ny = F.apply(torch.ones(2, requires_grad=True))\nprint(y)",
        "ok",
    ),
    (
        "r2-fn-forward-returns-fn",
        "class F(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        return print\n"
        "y = F.apply(torch.ones(2, requires_grad=True))\nprint(y)",
        "ok",
    ),
    (
        "r2-fn-apply-user-arg",
        "class A:\n    def f(self):\n        return 1\nclass F(torch.autograd.Function):\n    @staticmethod\n"
        "    def forward(ctx, x):\n        return x\ny = F.apply(A())\nprint(y)",
        "forbidden",
    ),
    ("r2-fn-apply-fn-arg", FN_HEAD + "        return x\ny = F.apply(print)\nprint(y)", "forbidden"),
    (
        "r2-fn-grad-fn-attrs",
        "class F(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        return x*2\n"
        "    @staticmethod\n    def backward(ctx, g):\n        return g\n"
        "y = F.apply(torch.ones(2, requires_grad=True))\nprint(y.grad_fn)\nprint(y.grad_fn.name())\n"
        "a = y.grad_fn.saved_tensors\nprint(a)",
        "forbidden",
    ),
    (
        "r2-fn-grad-fn-saved-underscore",
        "class F(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        return x*2\n"
        "y = F.apply(torch.ones(2, requires_grad=True))\na = y.grad_fn._saved_x",
        "runtime",
    ),
    (
        "r2-fn-grad-fn-apply",
        "class F(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        return x*2\n"
        "    @staticmethod\n    def backward(ctx, g):\n        return g\n"
        "y = F.apply(torch.ones(2, requires_grad=True))\na = y.grad_fn.apply(torch.ones(2))\nprint(a)",
        "forbidden",
    ),
    (
        "r2-fn-grad-fn-to-save",
        "class F(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        return x*2\n"
        "y = F.apply(torch.ones(2, requires_grad=True))\na = y.grad_fn.to_save",
        "forbidden",
    ),
    (
        "r2-fn-grad-fn-dict",
        "class F(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        return x*2\n"
        "y = F.apply(torch.ones(2, requires_grad=True))\na = y.grad_fn.gradtrace_attributes",
        "forbidden",
    ),
    (
        "r2-fn-grad-fn-metadata",
        "class F(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        return x*2\n"
        "y = F.apply(torch.ones(2, requires_grad=True))\na = y.grad_fn.metadata",
        "forbidden",
    ),
    (
        "r2-fn-grad-fn-forward-cls",
        "class F(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        return x*2\n"
        "y = F.apply(torch.ones(2, requires_grad=True))\na = y.grad_fn._forward_cls",
        "forbidden",
    ),
    (
        "r2-fn-backward-recursion",
        "class F(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        return x*2\n"
        "    @staticmethod\n    def backward(ctx, g):\n        y = F.apply(g.detach().requires_grad_())\n"
        "        y.sum().backward()\n        return g\ny = F.apply(torch.ones(2, requires_grad=True))\n"
        "y.sum().backward()",
        "runtime",
    ),
    (
        "r2-fn-instance-method",
        "class F(torch.autograd.Function):\n    def forward(self, x):\n        return x\nF()(torch.ones(2))",
        "runtime",
    ),
    (
        "r2-fn-vjp",
        "class F(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        return x*2\n"
        "y = F.apply(torch.ones(2, requires_grad=True))\na = y.grad_fn.vjp",
        "forbidden",
    ),
    ("r2-fn-subclass-attrs", FN_HEAD + "        return x*2\nprint(F.apply, F.forward, F.backward)", "runtime"),
    ("r2-fn-jvp", FN_HEAD + "        return x*2\na = F.jvp\nprint(a)", "runtime"),
    (
        "r2-fn-setup-context",
        "class F(torch.autograd.Function):\n    @staticmethod\n    def forward(x):\n        return x*2\n"
        "    @staticmethod\n    def setup_context(ctx, inputs, output):\n        print(ctx)\n"
        "F.apply(torch.ones(2, requires_grad=True))",
        "runtime",
    ),
    (
        "r2-fn-vmap",
        "class F(torch.autograd.Function):\n    generate_vmap_rule = True\n    @staticmethod\n    def forward(x):\n"
        "        return x*2\nF.apply(torch.ones(2))",
        "runtime",
    ),
    ("r2-sorted-key-host", "print(sorted([3, 1], key=print))", "runtime"),
    ("r2-sorted-huge", "a = sorted(range(10**9))", "limit"),
    (
        "r2-sorted-user-lt-host",
        "class A:\n    def __lt__(self, o):\n        return torch\na = sorted([A(), A()])\nprint(a)",
        "ok",
    ),
    (
        "r2-sorted-user-lt-recursive",
        "class A:\n    def __lt__(self, o):\n        return sorted([self, o])\na = sorted([A(), A()])",
        "limit",
    ),
    ("r2-map-huge", "a = list(map(abs, range(10**9)))", "limit"),
    ("r2-map-huge-lazy", "a = map(abs, range(10**9))\nprint(a)", "limit"),
    ("r2-map-next", "a = map(abs, range(10**18))\nprint(next(a))", "limit"),
    ("r2-filter-huge", "a = list(filter(None, range(10**9)))", "limit"),
    ("r2-set-huge", "a = set(range(10**9))", "limit"),
    ("r2-set-comp-huge", "a = {i for i in range(10**9)}", "limit"),
    ("r2-dict-fromkeys-huge", "a = dict.fromkeys(range(10**9))", "limit"),
    ("r2-dict-fromkeys-host", "a = dict.fromkeys([1], print)\nprint(a)", "ok"),
    ("r2-zip-huge", "a = list(zip(range(10**9), range(10**9)))", "limit"),
    ("r2-enumerate-huge", "a = list(enumerate(range(10**9)))", "limit"),
    ("r2-iter-huge", "a = iter(range(10**18))\nprint(next(a))", "limit"),
    ("r2-iter-list-huge", "a = list(iter(range(10**9)))", "limit"),
    ("r2-iter-callable-sentinel", "a = iter(print, 1)", "runtime"),
    (
        "r2-iter-user",
        "class A:\n    def __iter__(self):\n        return iter([1,2])\nprint(list(A()))\nprint(next(iter(A())))",
        "runtime",
    ),
    (
        "r2-iter-user-infinite",
        "class A:\n    def __iter__(self):\n        return self\n    def __next__(self):\n        return 1\n"
        "a = list(A())",
        "forbidden",
    ),
    (
        "r2-iter-user-infinite-for",
        "class A:\n    def __iter__(self):\n        return self\n    def __next__(self):\n        return 1\n"
        "for i in A():\n    pass",
        "forbidden",
    ),
    ("r2-getitem-iter-infinite", "class A:\n    def __getitem__(self, i):\n        return i\na = list(A())", "runtime"),
    (
        "r2-getitem-iter-for",
        "class A:\n    def __getitem__(self, i):\n        return i\nfor i in A():\n    pass",
        "runtime",
    ),
    (
        "r2-len-huge",
        "class A:\n    def __len__(self):\n        return 10**18\nprint(len(A()))\na = [0] * len(A())",
        "limit",
    ),
    (
        "r2-len-huge-list",
        "class A:\n    def __len__(self):\n        return 10**9\n    def __getitem__(self, i):\n        return 1\n"
        "a = list(A())",
        "limit",
    ),
    (
        "r2-len-torch",
        "class A:\n    def __len__(self):\n        return 10**9\n    def __getitem__(self, i):\n"
        "        return 1.0\na = torch.tensor(A())",
        "forbidden",
    ),
    (
        "r2-eq-host-call",
        "class A:\n    def __eq__(self, o):\n        print(o)\n        return True\na = [torch, print, A()]\n"
        "print(a.index(A()))\nprint(A() in [torch])",
        "ok",
    ),
    (
        "r2-eq-dict-lookup",
        "class A:\n    def __eq__(self, o):\n        print('eq', o)\n        return True\nd = {1: 2}\n"
        "print(d.get(A()))",
        "ok",
    ),
    ("r2-hash-user", "class A:\n    def __hash__(self):\n        return 1\nprint({A(): 1})", "forbidden"),
    ("r2-contains-user", "class A:\n    def __contains__(self, v):\n        return v\nprint(1 in A())", "ok"),
    ("r2-getattr-default-host", "a = getattr(torch, 'os', 1)\nprint(a)", "ok"),
    ("r2-getattr-computed-underscore", "a = getattr(torch.ones(2), '_' + 'version')", "forbidden"),
    ("r2-getattr-nonstr", "a = getattr(torch, 1)", "runtime"),
    ("r2-getattr-user-class", CLASS + "print(getattr(A, 'f'))\nprint(getattr(A(), 'f')())", "ok"),
    ("r2-getattr-user-name", CLASS + "print(getattr(A, '__name__'))", "ok"),
    ("r2-hasattr-private", "print(hasattr(torch.ones(2), '_version'))", "forbidden"),
    ("r2-hasattr-user", CLASS + "print(hasattr(A(), 'f'), hasattr(A(), 'g'))", "ok"),
    (
        "r2-hasattr-property-limit",
        "class A:\n    @property\n    def p(self):\n        return torch.ones(10**10)\nprint(hasattr(A(), 'p'))",
        "limit",
    ),
    (
        "r2-hasattr-property-forbidden",
        "class A:\n    @property\n    def p(self):\n        return torch.os\nprint(hasattr(A(), 'p'))",
        "forbidden",
    ),
    (
        "r2-getattr-default-limit",
        "class A:\n    @property\n    def p(self):\n        return torch.ones(10**10)\nprint(getattr(A(), 'p', 1))",
        "limit",
    ),
    ("r2-callable-host", "print(callable(print), callable(torch))", "ok"),
    ("r2-dir-user", CLASS + "print(dir(A()))", "ok"),
    ("r2-dir-module", "class N(nn.Module):\n    pass\nprint(dir(N()))", "ok"),
    ("r2-dir-tensor", "print(dir(torch.ones(1)))", "forbidden"),
    ("r2-vars-user", CLASS + "print(vars(A()))", "forbidden"),
    ("r2-slice-host", "a = slice(print)\nprint(a)\nprint([1,2][a])", "runtime"),
    ("r2-slice-attrs", "a = slice(1, 2)\nprint(a.start)\nb = a.indices(10**18)", "forbidden"),
    ("r2-isinstance-user", CLASS + "print(isinstance(A(), A), isinstance(1, A))", "ok"),
    ("r2-issubclass", CLASS + "print(issubclass(A, A))", "forbidden"),
    ("r2-next-default-host", "print(next(iter([]), print))", "ok"),
    ("r2-min-key-host", "print(min([1, 2], key=torch.ones))", "runtime"),
    ("r2-max-user-lt", "class A:\n    def __gt__(self, o):\n        return True\nprint(max([A(), A()]))", "ok"),
    ("r2-sum-user", "class A:\n    def __radd__(self, o):\n        return o\nprint(sum([A()] * 100000))", "ok"),
    ("r2-sum-user-start", "class A:\n    def __add__(self, o):\n        return self\nprint(sum([1] * 10, A()))", "ok"),
    ("r2-reversed-huge", "a = list(reversed(range(10**9)))", "limit"),
    ("r2-any-huge", "a = any(x > 10**18 for x in range(10**18))", "limit"),
    ("r2-all-map-huge", "a = all(map(abs, range(10**18)))", "limit"),
    ("r2-str-join-map", "a = ''.join(map(str, range(10**8)))", "limit"),
    ("r2-format-map", "print('{0}'.format_map)", "forbidden"),
    (
        "r2-format-user-repr-huge",
        "class A:\n    def __repr__(self):\n        return 'a' * 1000000\nprint('{!r}'.format([A()] * 1000))",
        "limit",
    ),
    ("r2-format-nested-spec-kw", "a = '{0:{w}}'.format(1, w=10**9)", "forbidden"),
    ("r2-format-fill", "a = '{:x<99999999}'.format(1)", "limit"),
    ("r2-format-comma", "a = '{:,}'.format(10**4000)", "limit"),
    ("r2-format-big-float", "a = '{:.9999999f}'.format(1.0)", "limit"),
    ("r2-format-prec-7", "a = '{:.3999999f}'.format(1.0)\nb = [a] * 10", "limit"),
    ("r2-format-many", "a = ('{:3999999}' * 1000).format(*range(1000))", "limit"),
    (
        "r2-fstring-many",
        "x = 1\na = f'{x:3999999}{x:3999999}{x:3999999}{x:3999999}{x:3999999}{x:3999999}{x:3999999}{x:3999999}'",
        "limit",
    ),
    ("r2-format-tensor-spec", "a = '{:>99999}'.format(torch.ones(1))", "runtime"),
    ("r2-format-tensor-fmt", "a = '{:.2f}'.format(torch.tensor(1.5))\nprint(a)", "ok"),
    ("r2-format-np-spec", R2_NP + "a = '{:.2f}'.format(np.float64(1.5))\nprint(a)", "ok"),
    ("r2-print-sep-huge", "print(1, 2, sep='a' * 10**7)", "limit"),
    ("r2-print-end-host", "print(1, end=print)", "runtime"),
    ("r2-print-many-args", "a = [1] * 1000000\nprint(*a)", "limit"),
    ("r2-str-mul-user", "class A:\n    def __rmul__(self, o):\n        return o * 10**9\na = 'ab' * A()", "limit"),
    ("r2-str-center-huge", "a = 'a'.center(10**9)", "limit"),
    ("r2-str-expandtabs", "a = ('\\t' * 1000).expandtabs(10**6)", "forbidden"),
    ("r2-str-zfill", "a = '1'.zfill(10**9)", "limit"),
    ("r2-str-translate", "a = 'a'.translate({97: 'b' * 10**7})", "forbidden"),
    ("r2-str-encode", "a = 'a'.encode()\nprint(a)", "forbidden"),
    ("r2-bytes", "a = bytes(10**9)", "forbidden"),
    ("r2-bytearray", "a = bytearray(10**9)", "forbidden"),
    ("r2-list-mul-nested", "a = [[0] * 4000000] * 4000000", "limit"),
    ("r2-list-extend-self", "a = [1] * 1000000\nfor i in range(30):\n    a.extend(a)", "limit"),
    ("r2-list-iadd-self", "a = [1] * 1000000\nfor i in range(30):\n    a += a", "limit"),
    ("r2-dict-update-huge", "d = {}\nd.update(zip(range(10**9), range(10**9)))", "limit"),
    ("r2-set-update-huge", "s = set()\ns.update(range(10**9))", "limit"),
    ("r2-tuple-huge", "a = tuple(range(10**9))", "limit"),
    ("r2-range-len", "a = len(range(10**30))", "runtime"),
    ("r2-int-str-huge", "a = str(2**60000)", "limit"),
    ("r2-divmod-huge", "a = divmod(10**10**5, 3)", "limit"),
    ("r2-pow-mod", "a = pow(3, 10**10000, 7)", "limit"),  # pow is offered; 10**10000 is too big
    ("pow-big-result", "a = pow(10, 10000)", "limit"),
    ("setattr-dunder", "class A:\n    pass\nsetattr(A(), '__class__', int)", "forbidden"),
    ("setattr-torch", "setattr(torch, 'ones', print)", "forbidden"),
    ("setattr-module-internals", "m = nn.Linear(2, 2)\nsetattr(m, 'forward', print)", "forbidden"),
    ("r2-round-huge", "a = round(1.5, 10**9)", "ok"),
    ("r2-hex-huge", "a = hex(1 << 30000)", "forbidden"),
    ("r2-sum-float-huge", "a = sum(range(10**10))", "limit"),
    ("r2-np-zeros-huge", R2_NP + "a = np.zeros((10**5, 10**5))", "limit"),
    ("r2-np-empty", R2_NP + "a = np.empty(1000)\nprint(a[:8])", "forbidden"),
    ("r2-np-empty-like", R2_NP + "a = np.empty_like(np.ones(1000))\nprint(a[:8])", "forbidden"),
    ("r2-np-ndarray-ctor", R2_NP + "a = np.ndarray((1000,))\nprint(a[:8])", "forbidden"),
    ("r2-np-ndarray-buffer", R2_NP + "a = np.ndarray((8,), buffer=np.ones(2))\nprint(a)", "forbidden"),
    ("r2-np-resize-method", R2_NP + "a = np.ones(2)\na.resize(1000, refcheck=False)\nprint(a[:8])", "forbidden"),
    ("r2-np-resize-fn", R2_NP + "a = np.resize(np.ones(2), (10**5, 10**5))", "forbidden"),
    ("r2-np-tile", R2_NP + "a = np.tile(np.ones(1000), (10**5, 10**3))", "forbidden"),
    ("r2-np-repeat", R2_NP + "a = np.repeat(np.ones(1000), 10**8)", "forbidden"),
    ("r2-np-outer", R2_NP + "a = np.outer(np.ones(10**5), np.ones(10**5))", "limit"),
    ("r2-np-kron", R2_NP + "a = np.kron(np.ones(10**4), np.ones(10**4))", "forbidden"),
    ("r2-np-meshgrid", R2_NP + "a = np.meshgrid(np.ones(10**5), np.ones(10**5))", "forbidden"),
    ("r2-np-broadcast-to", R2_NP + "a = np.broadcast_to(np.ones(1), (10**6, 10**6))\nb = a + 1", "forbidden"),
    ("r2-np-broadcast-add", R2_NP + "a = np.ones((10**4, 1))\nb = a + a.T", "limit"),
    ("r2-np-dot-huge", R2_NP + "a = np.ones((10**4, 1)) @ np.ones((1, 10**4))", "limit"),
    ("r2-np-arange-huge", R2_NP + "a = np.arange(10**12)", "limit"),
    ("r2-np-linspace-huge", R2_NP + "a = np.linspace(0, 1, 10**12)", "limit"),
    ("r2-np-eye-huge", R2_NP + "a = np.eye(10**6)", "limit"),
    ("r2-np-full-huge", R2_NP + "a = np.full((10**6, 10**6), 1.0)", "limit"),
    ("r2-np-random-huge", R2_NP + "a = np.random.randn(10**5, 10**5)", "limit"),
    ("r2-np-random-size-kw", R2_NP + "a = np.random.normal(0, 1, size=(10**5, 10**5))", "limit"),
    ("r2-np-random-choice-huge", R2_NP + "a = np.random.choice(10**12, 10**12)", "limit"),
    ("r2-np-random-perm-huge", R2_NP + "a = np.random.permutation(10**12)", "limit"),
    ("r2-np-random-shuffle-list", R2_NP + "a = [1, 2]\nnp.random.shuffle(a)\nprint(a)", "ok"),
    ("r2-np-concat-huge", R2_NP + "a = np.concatenate([np.ones(4000000)] * 1000)", "limit"),
    ("r2-np-stack-huge", R2_NP + "a = np.stack([np.ones(4000000)] * 1000)", "limit"),
    ("r2-np-array-huge-list", R2_NP + "a = np.array([[0.0] * 100000] * 100000)", "limit"),
    ("r2-np-array-range", R2_NP + "a = np.array(range(10**9))", "limit"),
    ("r2-np-pad", R2_NP + "a = np.pad(np.ones(3), (0, 10**10))", "forbidden"),
    ("r2-np-astype-huge", R2_NP + "a = np.ones(4000000, dtype=np.float16)\nb = a.astype(np.complex128)", "ok"),
    ("r2-np-reshape", R2_NP + "a = np.ones(4).reshape(2, 2)\nprint(a)", "ok"),
    ("r2-np-tolist-huge", R2_NP + "a = np.ones(4000000).tolist()", "limit"),
    ("r2-np-frombuffer", R2_NP + "a = np.frombuffer(b'abcd', dtype=np.uint8)", "forbidden"),
    ("r2-np-frombuffer-str", R2_NP + "a = np.frombuffer('abcd', dtype=np.uint8)", "forbidden"),
    ("r2-np-fromstring", R2_NP + "a = np.fromstring('1 2', sep=' ')", "forbidden"),
    ("r2-np-genfromtxt", R2_NP + "a = np.genfromtxt('/etc/passwd')", "forbidden"),
    ("r2-np-savetxt", R2_NP + "np.savetxt('{DIR}/a', np.ones(2))", "forbidden"),
    ("r2-np-savez", R2_NP + "np.savez('{DIR}/a', np.ones(2))", "forbidden"),
    ("r2-np-array-interface", R2_NP + "a = np.ones(2).__array_interface__", "forbidden"),
    ("r2-np-array-struct", R2_NP + "a = np.ones(2).__array_struct__", "forbidden"),
    ("r2-np-array-data", R2_NP + "a = np.ones(2).data", "forbidden"),
    ("r2-np-array-flags", R2_NP + "a = np.ones(2).flags", "forbidden"),
    ("r2-np-array-tobytes", R2_NP + "a = np.ones(2).tobytes()", "forbidden"),
    ("r2-np-array-view", R2_NP + "a = np.ones(2).view(np.uint8)\nprint(a)", "forbidden"),
    ("r2-np-array-strides", R2_NP + "a = np.ones(2)\nprint(a.strides)", "forbidden"),
    (
        "r2-np-lib-stride",
        "import numpy as np\na = np.lib.stride_tricks.as_strided(np.ones(2), shape=(1000,), strides=(8,))",
        "forbidden",
    ),
    ("r2-np-as-strided", R2_NP + "a = np.as_strided", "forbidden"),
    ("r2-np-setbufsize", R2_NP + "np.setbufsize(10**9)", "forbidden"),
    ("r2-np-seterr", R2_NP + "np.seterr(all='raise')", "forbidden"),
    ("r2-np-seterrcall", R2_NP + "np.seterrcall(print)", "forbidden"),
    ("r2-np-set-printoptions", R2_NP + "np.set_printoptions(threshold=10**9)\nprint(np.ones(10**6))", "forbidden"),
    ("r2-np-printoptions-linewidth", R2_NP + "np.set_printoptions(precision=10**6)\nprint(np.ones(10)/3)", "forbidden"),
    ("r2-np-format-float", R2_NP + "a = np.format_float_positional(1.0, precision=10**9)", "forbidden"),
    ("r2-np-array2string", R2_NP + "a = np.array2string(np.ones(2), max_line_width=10**9)", "forbidden"),
    ("r2-np-einsum-huge", R2_NP + "a = np.ones(1000)\nb = np.einsum('i,j,k->ijk', a, a, a)", "forbidden"),
    ("r2-np-apply-along", R2_NP + "a = np.apply_along_axis(print, 0, np.ones(2))", "forbidden"),
    ("r2-np-piecewise", R2_NP + "a = np.piecewise(np.ones(2), [True], [print])", "forbidden"),
    ("r2-np-from-function", R2_NP + "a = np.fromfunction(print, (2,))", "forbidden"),
    ("r2-np-dtype-fields", R2_NP + "a = np.dtype('object')", "forbidden"),
    ("r2-np-dtype-str", R2_NP + "a = np.ones(2, dtype='U1000000')", "forbidden"),
    ("r2-np-dtype-void", R2_NP + "a = np.ones(2, dtype='V8')\nprint(a)", "forbidden"),
    ("r2-np-dtype-struct", R2_NP + "a = np.zeros(2, dtype=[('a', 'O')])", "forbidden"),
    (
        "r2-np-user-array",
        "import numpy as np\nclass A:\n    def __array__(self):\n        return 1\na = np.array(A())",
        "forbidden",
    ),
    (
        "r2-np-user-len",
        "import numpy as np\nclass A:\n    def __len__(self):\n        return 10**9\n"
        "    def __getitem__(self, i):\n        return 1.0\na = np.array(A())",
        "forbidden",
    ),
    ("r2-np-asarray-list-fn", R2_NP + "def f():\n    pass\na = np.asarray([f])", "forbidden"),
    (
        "r2-np-array-tensor-grad",
        "import numpy as np\nx = torch.ones(3, requires_grad=True)\ny = (x * 2).sum()\na = np.array(x)",
        "runtime",
    ),
    ("r2-np-from-numpy-shares", R2_NP + "a = np.ones(2)\nt = torch.from_numpy(a)\na[0] = 5\nprint(t)", "ok"),
    ("r2-np-ufunc-at", R2_NP + "np.add.at(np.ones(2), [0], 1)", "forbidden"),
    ("r2-np-ufunc-reduce", R2_NP + "a = np.add.reduce(np.ones(2))\nprint(a)", "forbidden"),
    ("r2-np-ufunc-attrs", R2_NP + "a = np.add.__call__", "forbidden"),
    ("r2-np-ufunc-types", R2_NP + "a = np.add.types", "forbidden"),
    ("r2-np-func-module", R2_NP + "a = np.sum.__module__", "forbidden"),
    ("r2-np-func-globals", R2_NP + "a = np.sum.__globals__", "forbidden"),
    ("r2-np-float32-attrs", R2_NP + "a = np.float32(1)\nprint(a.dtype)\nb = a.item()\nprint(b)", "ok"),
    ("r2-np-scalar-tofile", R2_NP + "np.float32(1).tofile('{DIR}/x')", "forbidden"),
    ("r2-np-random-seed-huge", R2_NP + "np.random.seed(2**40)", "runtime"),
    ("r2-np-random-seed-list", R2_NP + "np.random.seed([1]*10**6)", "limit"),
    ("r2-np-random-bytes", R2_NP + "a = np.random.bytes(10**9)", "forbidden"),
    ("r2-np-random-randint-huge", R2_NP + "a = np.random.randint(0, 10, size=10**12)", "limit"),
    ("r2-np-random-choice-obj", R2_NP + "a = np.random.choice([print, torch])\nprint(a)", "forbidden"),
    ("r2-np-pi", R2_NP + "print(np.pi, np.e, np.inf, np.nan)", "ok"),
    ("r2-np-newaxis", R2_NP + "a = np.ones(2)[np.newaxis]\nprint(a.shape)", "ok"),
    ("r2-np-ndarray-class", R2_NP + "a = np.ndarray\nprint(a)", "ok"),
    ("r2-np-isinstance", R2_NP + "print(isinstance(np.ones(2), np.ndarray))", "ok"),
    ("r2-np-version", R2_NP + "print(np.__version__)", "forbidden"),
    ("r2-np-cumsum-huge", R2_NP + "a = np.ones((2000, 2000))\nb = np.cumsum(a)", "ok"),
    ("r2-np-sort-kw", R2_NP + "a = np.sort(np.ones(2), kind=print)", "forbidden"),
    ("r2-np-argsort", R2_NP + "a = np.argsort(np.array([3, 1, 2]))\nprint(a)", "forbidden"),
    ("r2-np-where-one", R2_NP + "a = np.where(np.ones(2) > 0)\nprint(a)", "ok"),
    ("r2-np-unique", R2_NP + "print(np.unique(np.array([1, 1, 2])))", "forbidden"),
    ("r2-np-matrix", R2_NP + "a = np.matrix([[1]])", "forbidden"),
    ("r2-np-char", R2_NP + "a = np.char", "forbidden"),
    ("r2-np-rec", R2_NP + "a = np.rec", "forbidden"),
    ("r2-np-ma", R2_NP + "a = np.ma", "forbidden"),
    ("r2-np-polynomial", R2_NP + "a = np.polynomial", "forbidden"),
    ("r2-np-testing", R2_NP + "a = np.testing", "forbidden"),
    ("r2-np-distutils", R2_NP + "a = np.distutils", "forbidden"),
    ("r2-np-f2py", R2_NP + "a = np.f2py", "forbidden"),
    ("r2-np-core", R2_NP + "a = np.core", "forbidden"),
    ("r2-np-emath", R2_NP + "a = np.emath", "forbidden"),
    ("r2-np-fft", R2_NP + "a = np.fft.fft(np.ones(4))", "forbidden"),
    ("r2-np-linalg", R2_NP + "a = np.linalg.inv(np.eye(2))\nprint(a)", "forbidden"),
    ("r2-np-info", R2_NP + "np.info(np.sum)", "forbidden"),
    ("r2-np-show-config", R2_NP + "np.show_config()", "forbidden"),
    ("r2-np-get-include", R2_NP + "a = np.get_include()", "forbidden"),
    ("r2-random-seed-obj", "import random\nrandom.seed(print)", "runtime"),
    ("r2-random-seed-str-huge", "import random\nrandom.seed('a' * 10**7)", "limit"),
    ("r2-random-choice-host", "import random\nprint(random.choice([print, torch]))", "ok"),
    ("r2-random-sample-huge", "import random\na = random.sample(range(10**12), 10**9)", "limit"),
    ("r2-random-choices-huge", "import random\na = random.choices([1], k=10**9)", "forbidden"),
    ("r2-random-randbytes", "import random\na = random.randbytes(10**9)", "forbidden"),
    ("r2-random-getrandbits", "import random\na = random.getrandbits(10**9)", "forbidden"),
    ("r2-random-randrange-huge", "import random\na = random.randrange(10**100)", "limit"),
    ("r2-random-gauss", "import random\nprint(random.gauss(0, 1))", "ok"),
    ("r2-random-inst", "import random\na = random._inst", "forbidden"),
    ("r2-random-state-attr", "import random\na = random.random.__self__", "forbidden"),
    ("r2-random-fn-self", "import random\nf = random.random\nprint(f)", "ok"),
    (
        "r2-random-shuffle-user",
        "import random\nclass A:\n    def __len__(self):\n        return 10**9\nrandom.shuffle(A())",
        "runtime",
    ),
    (
        "r2-loader-batch-huge",
        "x = torch.ones(3, requires_grad=True)\ny = (x * 2).sum()\n"
        "from torch.utils.data import DataLoader, TensorDataset\n"
        "d = DataLoader(TensorDataset(torch.ones(10, 2)), batch_size=10**12)\nfor b in d:\n    print(b)",
        "ok",
    ),
    (
        "r2-loader-shuffle",
        "x = torch.ones(3, requires_grad=True)\ny = (x * 2).sum()\n"
        "from torch.utils.data import DataLoader, TensorDataset\n"
        "d = DataLoader(TensorDataset(torch.arange(10.)), batch_size=3, shuffle=True)\nfor b in d:\n    print(b)",
        "ok",
    ),
    (
        "r2-loader-generator",
        "from torch.utils.data import DataLoader, TensorDataset\n"
        "d = DataLoader(TensorDataset(torch.arange(10.)), generator=torch.Generator())\nfor b in d:\n    pass",
        "ok",
    ),
    (
        "r2-loader-workers-fork",
        "from torch.utils.data import DataLoader, TensorDataset\n"
        "d = DataLoader(TensorDataset(torch.arange(10.)), num_workers=2, persistent_workers=True)\nfor b in d:\n"
        "    pass",
        "forbidden",
    ),
    (
        "r2-loader-worker-init",
        "from torch.utils.data import DataLoader, TensorDataset\n"
        "d = DataLoader(TensorDataset(torch.arange(10.)), num_workers=2, worker_init_fn=print)",
        "forbidden",
    ),
    (
        "r2-loader-pin-memory",
        "from torch.utils.data import DataLoader, TensorDataset\n"
        "d = DataLoader(TensorDataset(torch.arange(10.)), pin_memory=True)\nfor b in d:\n    pass",
        "ok",
    ),
    (
        "r2-loader-multiprocessing-context",
        "from torch.utils.data import DataLoader, TensorDataset\n"
        "d = DataLoader(TensorDataset(torch.arange(10.)), multiprocessing_context='fork')",
        "forbidden",
    ),
    (
        "r2-loader-batch-sampler",
        "from torch.utils.data import DataLoader, TensorDataset\n"
        "d = DataLoader(TensorDataset(torch.arange(10.)), batch_sampler=[[0, 1]])",
        "forbidden",
    ),
    (
        "r2-loader-user-dataset",
        "from torch.utils.data import DataLoader, TensorDataset\nclass D:\n    def __len__(self):\n"
        "        return 10**9\n    def __getitem__(self, i):\n        return torch.ones(1)\nd = DataLoader(D())\n"
        "for b in d:\n    pass",
        "forbidden",
    ),
    (
        "r2-loader-user-dataset-torch",
        "from torch.utils.data import DataLoader, TensorDataset\nclass D(torch.utils.data.Dataset):\n"
        "    def __len__(self):\n        return 10\n    def __getitem__(self, i):\n        return torch.ones(1)\n"
        "for b in DataLoader(D(), batch_size=5):\n    print(b)",
        "ok",
    ),
    ("r2-loader-list-dataset", R2_DATA + "for b in DataLoader([1, 2, 3], batch_size=2):\n    print(b)", "ok"),
    ("r2-loader-list-host", R2_DATA + "for b in DataLoader([print, torch], batch_size=2):\n    print(b)", "forbidden"),
    (
        "r2-loader-dataset-attrs",
        "from torch.utils.data import DataLoader, TensorDataset\nd = TensorDataset(torch.ones(2))\n"
        "print(d.tensors)\nprint(len(d), d[0])",
        "ok",
    ),
    ("r2-loader-dataset-mismatch", R2_DATA + "d = TensorDataset(torch.ones(2), torch.ones(3))", "runtime"),
    ("r2-loader-dataset-huge-index", R2_DATA + "d = TensorDataset(torch.ones(2))\nprint(d[10**20])", "runtime"),
    (
        "r2-loader-iter-next",
        "from torch.utils.data import DataLoader, TensorDataset\n"
        "d = DataLoader(TensorDataset(torch.ones(4)), batch_size=2)\ni = iter(d)\nprint(next(i))\nprint(i)",
        "ok",
    ),
    (
        "r2-loader-iter-internals",
        "from torch.utils.data import DataLoader, TensorDataset\n"
        "d = DataLoader(TensorDataset(torch.ones(4)), batch_size=2)\ni = iter(d)\na = i._index_sampler",
        "forbidden",
    ),
    (
        "r2-embedding-from-pretrained",
        "m = nn.Embedding.from_pretrained(torch.ones(2, 2))\nprint(m.weight)",
        "forbidden",
    ),
    ("r2-conv2d-output-huge", "m = nn.Conv2d(1, 1000, 1)\ny = m(torch.ones(1, 1, 2000, 2000))", "limit"),
    (
        "r2-conv-transpose",
        "m = nn.ConvTranspose2d(1, 1, 3, stride=10**4)\ny = m(torch.ones(1, 1, 100, 100))",
        "forbidden",
    ),
    ("r2-conv2d-dilation", "m = nn.Conv2d(1, 1, 3, padding=10**5)\ny = m(torch.ones(1, 1, 2, 2))", "limit"),
    ("r2-f-conv-padding", "y = F.conv2d(torch.ones(1, 1, 2, 2), torch.ones(1, 1, 1, 1), padding=10**5)", "limit"),
    ("r2-maxpool-huge", "m = nn.MaxPool2d(1, padding=10**5)\ny = m(torch.ones(1, 1, 2, 2))", "runtime"),
    ("r2-upsample", "y = F.interpolate(torch.ones(1, 1, 2, 2), scale_factor=10**5)", "forbidden"),
    ("r2-unfold-huge", "y = F.unfold(torch.ones(1, 1, 1000, 1000), kernel_size=100)", "forbidden"),
    ("r2-bilinear-huge", "m = nn.Bilinear(10**4, 10**4, 100)", "forbidden"),
    ("r2-normal-tensor", "a = torch.normal(torch.zeros(10**4, 1), torch.ones(1, 10**4))", "limit"),
    ("r2-multinomial-huge", "a = torch.multinomial(torch.ones(10), 10**10, replacement=True)", "limit"),
    ("r2-randperm-huge", "a = torch.randperm(10**10)", "limit"),
    ("r2-bernoulli", "a = torch.bernoulli(torch.ones(10**4, 1).expand(10**4, 10**4))", "forbidden"),
    (
        "r2-generator-seed",
        "g = torch.Generator().manual_seed(1)\nprint(torch.randn(2, generator=g))\nprint(g.initial_seed())",
        "ok",
    ),
    ("r2-generator-device", "g = torch.Generator(device='cuda')", "runtime"),
    ("r2-generator-graphsafe", "g = torch.Generator()\na = g.graphsafe_get_state()", "forbidden"),
    ("r2-generator-clone", "g = torch.Generator()\na = g.clone_state()", "forbidden"),
    ("r2-generator-seed-random", "g = torch.Generator()\nprint(g.seed())", "forbidden"),
    ("r2-autograd-grad-outputs-host", LEAF + "a = torch.autograd.grad(y, x, grad_outputs=print)", "forbidden"),
    (
        "r2-autograd-grad-create-graph",
        "x = torch.ones(3, requires_grad=True)\ny = (x * 2).sum()\n"
        "g, = torch.autograd.grad(y, x, create_graph=True)\nprint(g.grad_fn)\ng.sum().backward()",
        "runtime",
    ),
    (
        "r2-autograd-grad-loop",
        "x = torch.ones(1, requires_grad=True)\ny = x ** 3\nfor i in range(100):\n"
        "    y, = torch.autograd.grad(y.sum(), x, create_graph=True)\n    print(y)",
        "runtime",
    ),
    (
        "r2-autograd-grad-huge-chain",
        "x = torch.ones(1, requires_grad=True)\ny = torch.exp(x)\nfor i in range(30):\n"
        "    y, = torch.autograd.grad(y.sum(), x, create_graph=True)",
        "ok",
    ),
    ("r2-autograd-functional", "a = torch.autograd.functional.jacobian(print, torch.ones(2))", "runtime"),
    (
        "r2-autograd-functional-user",
        "def f(v):\n    return v * 2\na = torch.autograd.functional.jacobian(f, torch.ones(2))\nprint(a)",
        "ok",
    ),
    (
        "r2-autograd-functional-huge",
        "def f(v):\n    return v * 2\na = torch.autograd.functional.jacobian(f, torch.ones(10**5))",
        "limit",
    ),
    (
        "r2-autograd-hessian-huge",
        "def f(v):\n    return (v * v).sum()\na = torch.autograd.functional.hessian(f, torch.ones(3000))",
        "limit",
    ),
    (
        "r2-autograd-functional-returns-host",
        "def f(v):\n    return torch\na = torch.autograd.functional.jacobian(f, torch.ones(2))",
        "runtime",
    ),
    (
        "r2-autograd-functional-vectorize",
        "def f(v):\n    return v * 2\na = torch.autograd.functional.jacobian(f, torch.ones(2), vectorize=True)\n"
        "print(a)",
        "ok",
    ),
    (
        "r2-autograd-functional-strategy",
        "def f(v):\n    return v * 2\n"
        "a = torch.autograd.functional.jacobian(f, torch.ones(2), strategy='forward-mode', vectorize=True)\n"
        "print(a)",
        "runtime",
    ),
    (
        "r2-autograd-variable",
        "from torch.autograd import Variable\na = Variable(torch.ones(2), requires_grad=True)\nprint(a)",
        "ok",
    ),
    ("r2-autograd-variable-huge", "from torch.autograd import Variable\na = Variable(10**10)", "runtime"),
    ("r2-autograd-graph", "a = torch.autograd.graph", "forbidden"),
    ("r2-autograd-forward-ad", "a = torch.autograd.forward_ad", "forbidden"),
    (
        "r2-autograd-gradcheck",
        "def f(v):\n    return v\n"
        "a = torch.autograd.gradcheck(f, (torch.ones(2, dtype=torch.double, requires_grad=True),))\nprint(a)",
        "ok",
    ),
    (
        "r2-grad-fn-saved-result",
        "x = torch.ones(2, requires_grad=True)\ny = x.exp()\nprint(y.grad_fn._saved_result)\n"
        "print(y.grad_fn._raw_saved_result)",
        "forbidden",
    ),
    (
        "r2-grad-fn-saved-after-free",
        "x = torch.ones(2, requires_grad=True)\ny = x.exp()\ny.sum().backward()\nprint(y.grad_fn._saved_result)",
        "runtime",
    ),
    (
        "r2-grad-fn-saved-dunder",
        "x = torch.ones(2, requires_grad=True)\ny = x.exp()\na = y.grad_fn._saved___class__",
        "forbidden",
    ),
    ("r2-set-printoptions-precision", "torch.set_printoptions(precision=10**6)\nprint(torch.ones(3) / 3)", "limit"),
    (
        "r2-set-printoptions-linewidth",
        "torch.set_printoptions(linewidth=10**9, threshold=10**9, edgeitems=10**9)\nprint(torch.ones(100000))",
        "limit",
    ),
    ("r2-clip-grad", "m = nn.Linear(2, 2)\nnn.utils.clip_grad_norm_(m.parameters(), 1.0)", "ok"),
    ("r2-clip-grad-host", "nn.utils.clip_grad_norm_(print, 1.0)", "forbidden"),
    ("r2-nn-init-huge", "nn.init.normal_(torch.ones(2), mean=0, std=10**400)", "limit"),
    (
        "r2-lr-lambda-user",
        "w = torch.ones(2, requires_grad=True)\no = optim.SGD([w], lr=0.1)\n"
        "s = optim.lr_scheduler.LambdaLR(o, lambda e: 0.5)\ns.step()\nprint(o)",
        "forbidden",
    ),
    (
        "r2-optimizer-step-closure-user",
        "w = torch.ones(2, requires_grad=True)\no = optim.SGD([w], lr=0.1)\ndef c():\n    return (w * 2).sum()\n"
        "o.step(c)",
        "forbidden",
    ),
    ("r2-optimizer-params-huge", "o = optim.Adam([torch.ones(3000000, requires_grad=True) for i in range(10)])", "ok"),
    (
        "r2-optimizer-state-dict",
        "w = torch.ones(2, requires_grad=True)\no = optim.SGD([w], lr=0.1)\nprint(o.state_dict())",
        "forbidden",
    ),
    (
        "r2-optimizer-add-param-group",
        "w = torch.ones(2, requires_grad=True)\no = optim.SGD([w], lr=0.1)\n"
        "o.add_param_group({'params': [torch.ones(1, requires_grad=True)], 'lr': print})",
        "forbidden",
    ),
    ("r2-optimizer-lr-host", "w = torch.ones(2, requires_grad=True)\no = optim.SGD([w], lr=print)", "forbidden"),
    ("r2-optimizer-params-user", "class A:\n    pass\no = optim.SGD([A()], lr=0.1)", "forbidden"),
    (
        "r2-optimizer-params-dict",
        "w = torch.ones(2, requires_grad=True)\no = optim.SGD([{'params': [w], 'foreach': print}], lr=0.1)",
        "forbidden",
    ),
    ("r2-tensor-to-odd", "a = torch.ones(2).to(print)", "forbidden"),
    ("r2-tensor-new-empty", "a = torch.ones(2).new_empty(1000)\nprint(a[:4])", "forbidden"),
    ("r2-tensor-resize", "a = torch.ones(2)\na.resize_(1000)\nprint(a[:4])", "forbidden"),
    ("r2-tensor-set", "a = torch.ones(2)\na.set_(torch.ones(5))", "forbidden"),
    ("r2-tensor-as-strided", "a = torch.ones(2).as_strided((1000,), (1,))\nprint(a[:4])", "forbidden"),
    ("r2-tensor-storage-offset", "a = torch.ones(2)\nprint(a.storage_offset())", "forbidden"),
    ("r2-tensor-untyped", "a = torch.ones(2).untyped_storage", "forbidden"),
    ("r2-tensor-pin", "a = torch.ones(2).pin_memory()", "forbidden"),
    ("r2-tensor-share", "a = torch.ones(2).share_memory_()", "forbidden"),
    ("r2-tensor-cuda", "a = torch.ones(2).cuda()", "forbidden"),
    ("r2-tensor-to-device-cuda", "a = torch.ones(2).to('cuda')", "runtime"),
    ("r2-tensor-numpy-force", "a = torch.ones(2, requires_grad=True).numpy(force=True)\nprint(a)", "ok"),
    ("r2-tensor-item-huge", "a = torch.tensor(10**30)", "runtime"),
    ("r2-tensor-sparse", "a = torch.sparse_coo_tensor([[0]], [1.0], (10**12,))\nb = a.to_dense()", "forbidden"),
    ("r2-tensor-nested", "a = torch.nested.nested_tensor([torch.ones(2)])", "forbidden"),
    ("r2-tensor-masked-huge", "a = torch.ones(2).masked_fill(torch.ones(10**4, 10**4, dtype=torch.bool), 0)", "limit"),
    ("r2-tensor-index-put-huge", "a = torch.zeros(10)\na[torch.zeros(10**9, dtype=torch.long)] = 1", "limit"),
    (
        "r2-tensor-index-huge",
        "a = torch.zeros(10)\nb = a[[0] * 100000]\nc = b[torch.zeros(10**9, dtype=torch.long)]",
        "limit",
    ),
    ("r2-tensor-index-bool", "a = torch.zeros(2)[torch.tensor(True)]\nprint(a)", "ok"),
    (
        "r2-tensor-expand-as",
        "a = torch.ones(1).expand_as(torch.ones(10**4, 10**4).expand(10**6, 10**4)).clone()",
        "limit",
    ),
    ("r2-tensor-view-huge", "a = torch.ones(1).expand(10**6, 10**6)\nb = a * 2", "limit"),
    ("r2-tensor-sum-expanded", "a = torch.ones(1).expand(10**6, 10**6)\nb = a.sum()\nprint(b)", "limit"),
    ("r2-tensor-cumsum-expanded", "a = torch.ones(1).expand(10**6, 10**6)\nb = a.cumsum(0)", "limit"),
    ("r2-tensor-tril-indices", "a = torch.tril_indices(10**5, 10**5)", "forbidden"),
    ("r2-tensor-cartesian", "a = torch.cartesian_prod(torch.ones(10**4), torch.ones(10**4))", "forbidden"),
    ("r2-tensor-combinations", "a = torch.combinations(torch.ones(10**4), 3)", "forbidden"),
    ("r2-tensor-histc", "a = torch.histc(torch.ones(2), bins=10**10)", "forbidden"),
    ("r2-tensor-bincount", "a = torch.bincount(torch.tensor([10**10]))", "forbidden"),
    ("r2-tensor-block-diag", "a = torch.block_diag(*[torch.ones(100, 100)] * 1000)", "forbidden"),
    ("r2-tensor-meshgrid", "a = torch.meshgrid(torch.ones(10**4), torch.ones(10**4), indexing='ij')", "forbidden"),
    ("r2-tensor-cdist", "a = torch.cdist(torch.ones(10**4, 1), torch.ones(10**4, 1))", "forbidden"),
    ("r2-tensor-matmul-batched", "a = torch.ones(10**4, 1, 1) @ torch.ones(1, 1, 10**4)", "limit"),
    ("r2-tensor-bmm", "a = torch.bmm(torch.ones(100, 1000, 1), torch.ones(100, 1, 1000))", "limit"),
    ("r2-tensor-tensordot", "a = torch.tensordot(torch.ones(10**4), torch.ones(10**4), dims=0)", "forbidden"),
    ("r2-tensor-stft", "a = torch.stft(torch.ones(100), 10, return_complex=True)", "forbidden"),
    ("r2-tensor-vander", "a = torch.vander(torch.ones(10**5))", "forbidden"),
    ("r2-tensor-toeplitz", "a = torch.linalg.vander(torch.ones(10**5))", "forbidden"),
    ("r2-tensor-scatter", "a = torch.zeros(10).scatter(0, torch.tensor([10**10]), 1.0)", "forbidden"),
    ("r2-tensor-gather", "a = torch.zeros(10).gather(0, torch.zeros(10**9, dtype=torch.long))", "limit"),
    (
        "r2-tensor-embedding-fn",
        "a = F.embedding(torch.zeros(10**4, 10**3, dtype=torch.long), torch.ones(2, 1000))",
        "limit",
    ),
    ("r2-tensor-repeat-interleave", "a = torch.ones(10).repeat_interleave(10**9)", "forbidden"),
    ("r2-tensor-repeat-interleave-t", "a = torch.ones(10).repeat_interleave(torch.tensor(10**9))", "forbidden"),
    ("r2-tensor-unfold", "a = torch.ones(10**4).unfold(0, 5000, 1).clone()", "forbidden"),
    ("r2-tensor-tile", "a = torch.ones(10).tile(10**9)", "forbidden"),
    ("r2-tensor-flip-expanded", "a = torch.ones(1).expand(10**9).flip(0)", "limit"),
    ("r2-tensor-sort-expanded", "a = torch.ones(1).expand(10**9).sort()", "limit"),
    ("r2-tensor-float-expanded", "a = torch.ones(1).expand(10**9).double()", "limit"),
    ("r2-tensor-neg-expanded", "a = -torch.ones(1).expand(10**9)", "limit"),
    ("r2-tensor-abs-expanded", "a = abs(torch.ones(1).expand(10**9))", "limit"),
    ("r2-tensor-pow-expanded", "a = torch.ones(1).expand(10**9) ** 2", "limit"),
    ("r2-tensor-compare-expanded", "a = torch.ones(1).expand(10**9) > 0", "limit"),
    (
        "r2-tensor-requires-grad-expanded",
        "a = torch.ones(1, requires_grad=True).expand(10**9)\nb = a.sum()\nb.backward()",
        "limit",
    ),
    (
        "r2-tensor-grad-expanded",
        "x = torch.ones(1, requires_grad=True)\nb = (x.expand(10**9) * 2).sum()\nb.backward()",
        "limit",
    ),
    (
        "r2-property-object",
        "class A:\n    @property\n    def p(self):\n        return 1\nq = A.p\nprint(q)\na = q.getter",
        "forbidden",
    ),
    ("r2-property-fget", "class A:\n    @property\n    def p(self):\n        return 1\na = A.p.fget", "forbidden"),
    (
        "r2-property-setter-attr",
        "class A:\n    @property\n    def p(self):\n        return 1\na = A.p.setter_function",
        "forbidden",
    ),
    ("r2-property-direct", "def f(s):\n    return 1\np = property(f)\nprint(p)\na = p.getter", "forbidden"),
    ("r2-staticmethod-direct", "def f():\n    return 1\ns = staticmethod(f)\nprint(s)\na = s.function", "forbidden"),
    ("r2-classmethod-direct", "def f(c):\n    return 1\ns = classmethod(f)\na = s.function", "forbidden"),
    ("r2-bound-method-receiver", CLASS + "m = A().f\na = m.receiver", "forbidden"),
    ("r2-bound-method-self", CLASS + "m = A().f\na = m.__self__", "forbidden"),
    ("r2-nograd-fn-attrs", "@torch.no_grad()\ndef f():\n    pass\na = f.function", "forbidden"),
    ("r2-nograd-fn-mode", "@torch.no_grad()\ndef f():\n    pass\na = f.mode", "forbidden"),
    ("r2-gradmode-attrs", "g = torch.no_grad()\na = g.enter", "forbidden"),
    ("r2-gradmode-previous", "g = torch.no_grad()\na = g.previous", "forbidden"),
    (
        "r2-gradmode-enter-twice",
        "g = torch.no_grad()\nwith g:\n    with g:\n        pass\nx = torch.ones(1, requires_grad=True)\n"
        "print((x*2).requires_grad)",
        "ok",
    ),
    (
        "r2-gradmode-leak",
        "g = torch.set_grad_enabled(False)\nx = torch.ones(1, requires_grad=True)\nprint((x*2).requires_grad)",
        "ok",
    ),
    ("r2-iterator-items", "i = iter([1, 2])\na = i.items", "forbidden"),
    ("r2-iterator-position", "i = iter([1, 2])\na = i.position", "forbidden"),
    ("r2-exception-cls", "try:\n    1/0\nexcept Exception as e:\n    a = e.cls", "forbidden"),
    ("r2-exception-real", "try:\n    1/0\nexcept Exception as e:\n    a = e.real()", "runtime"),
    ("r2-super-start", CLASS + "class B(A):\n    def g(self):\n        return super().start\nB().g()", "forbidden"),
    (
        "r2-super-receiver",
        "class A:\n    def f(self):\n        return 1\nclass B(A):\n    def g(self):\n"
        "        return super().receiver\nB().g()",
        "forbidden",
    ),
    ("r2-class-attributes", CLASS + "a = A.attributes", "forbidden"),
    ("r2-class-caller", CLASS + "a = A.caller", "forbidden"),
    ("r2-class-caller-inst", CLASS + "a = A().caller", "forbidden"),
    ("r2-class-mro-attr", CLASS + "a = A.mro", "forbidden"),
    ("r2-class-host-class", CLASS + "a = A.host_class", "forbidden"),
    ("r2-class-find", CLASS + "a = A.find('f')", "forbidden"),
    ("r2-instance-sandbox-attrs", CLASS + "a = A().sandbox_attrs", "forbidden"),
    ("r2-instance-address", CLASS + "a = A().address", "forbidden"),
    ("r2-instance-call-dunder", CLASS + "a = A().call_dunder('f')", "forbidden"),
    ("r2-user-fn-attrs", "def f():\n    pass\na = f.scope", "forbidden"),
    ("r2-user-fn-defaults", "def f(a=1):\n    pass\na = f.defaults", "forbidden"),
    ("r2-user-fn-owner", CLASS + "a = A.f.owner", "forbidden"),
    ("r2-user-fn-name", "def f():\n    pass\nprint(f.__name__)", "ok"),
    ("r2-user-fn-doc", "def f():\n    '''doc'''\nprint(f.__doc__)", "forbidden"),
    ("r2-host-fn-name", "print(torch.ones.__name__)", "forbidden"),
    ("r2-host-fn-fn", "a = torch.ones.fn", "forbidden"),
    ("r2-host-fn-cls", "a = dict.cls", "forbidden"),
    ("r2-host-cls-name", "print(dict.__name__, int.__name__)", "ok"),
    ("r2-namespace-name", "a = torch.name", "forbidden"),
    ("r2-namespace-member", "a = torch.member('os', 'x')", "forbidden"),
    ("r2-ctx-ctx", FN_HEAD + "        a = ctx.attributes\n        return x\nF.apply(torch.ones(2))", "forbidden"),
    (
        "r2-np-eq-user",
        "import numpy as np\nclass A:\n    def __eq__(self, o):\n        return print\nb = np.ones(2) == A()\nprint(b)",
        "ok",
    ),
    (
        "r2-np-eq-user-obj",
        "import numpy as np\nclass A:\n    def __eq__(self, o):\n        print(o)\n        return True\n"
        "b = np.ones(2) == A()\nprint(b)",
        "ok",
    ),
    (
        "r2-np-add-user",
        "import numpy as np\nclass A:\n    def __radd__(self, o):\n        print(o)\n        return o\n"
        "b = np.ones(2) + A()\nprint(b)",
        "ok",
    ),
    (
        "r2-np-mul-user-host",
        "import numpy as np\nclass A:\n    def __rmul__(self, o):\n        return torch\nb = np.ones(2) * A()\n"
        "print(b)",
        "ok",
    ),
    (
        "r2-np-lt-user",
        "import numpy as np\nclass A:\n    def __gt__(self, o):\n        return A()\nb = np.ones(2) < A()\nprint(b)",
        "ok",
    ),
    (
        "r2-tensor-add-user",
        "class A:\n    def __radd__(self, o):\n        print(type(o))\n        return o\nb = torch.ones(2) + A()\n"
        "print(b)",
        "ok",
    ),
    (
        "r2-tensor-eq-user",
        "class A:\n    def __eq__(self, o):\n        print('eq', o)\n        return True\nprint(torch.ones(2) == A())",
        "ok",
    ),
    (
        "r2-tensor-mul-user-len",
        "class A:\n    def __len__(self):\n        while True:\n            pass\nb = torch.ones(2) * A()",
        "runtime",
    ),
    ("r2-tensor-index-user", "class A:\n    def __len__(self):\n        return 1\nb = torch.ones(2)[A()]", "runtime"),
    (
        "r2-tensor-index-user-getitem",
        "class A:\n    def __getitem__(self, i):\n        return 0\n    def __len__(self):\n        return 1\n"
        "b = torch.ones(2)[A()]",
        "runtime",
    ),
    (
        "r2-tensor-setitem-user",
        "class A:\n    def __len__(self):\n        return 1\nb = torch.ones(2)\nb[0] = A()",
        "runtime",
    ),
    (
        "r2-tensor-contains-user",
        "class A:\n    def __eq__(self, o):\n        print('eq', o)\n        return True\nprint(A() in torch.ones(2))",
        "runtime",
    ),
    (
        "r2-list-eq-tensor-user",
        "class A:\n    def __eq__(self, o):\n        print('eq', o)\n        return True\n"
        "print([torch.ones(2)] == [A()])",
        "ok",
    ),
    ("r2-dict-key-user-eq", "class A:\n    def __eq__(self, o):\n        return True\nd = {A(): 1}\nprint(d)", "ok"),
    (
        "r2-user-bool-in-torch-if",
        "class A:\n    def __bool__(self):\n        return True\n"
        "print(torch.where(torch.ones(2) > 0, 1.0, 0.0) if A() else 0)",
        "ok",
    ),
    (
        "r2-print-user-str-huge",
        "class A:\n    def __str__(self):\n        return 'a' * 99999\nfor i in range(100):\n    print(A())",
        "limit",
    ),
    ("r2-repr-user-nested", "class A:\n    def __repr__(self):\n        return repr([self])\nprint(A())", "limit"),
    (
        "r2-format-user-host",
        "class A:\n    def __repr__(self):\n        return repr(torch)\nprint('{!r}'.format(A()))",
        "ok",
    ),
    ("r2-user-class-shadow-builtin", "class print:\n    pass\nprint(1)", "runtime"),
    ("r2-user-class-named-torch", "class Tensor:\n    pass\nx = Tensor()\nprint(x)", "ok"),
    ("r2-class-body-exec", "class A:\n    import os\n    x = os.getcwd()", "forbidden"),
    ("r2-class-kwargs", "class A(foo=1):\n    pass", "forbidden"),
    ("r2-class-bases-expr", "class A(*[]):\n    pass", "forbidden"),
    ("r2-class-base-namespace", "class A(torch):\n    pass", "forbidden"),
    ("r2-class-base-fn", "class A(print):\n    pass", "forbidden"),
    ("r2-class-base-instance", CLASS + "class B(A()):\n    pass", "forbidden"),
    ("r2-class-base-exception-host", "class E(ValueError, nn.Module):\n    pass", "forbidden"),
    ("r2-class-base-function-module", "class F(torch.autograd.Function, nn.Module):\n    pass", "forbidden"),
    ("r2-class-base-module-twice", "class N(nn.Module, nn.Module):\n    pass", "ok"),
    ("r2-class-base-optim", "class O(optim.SGD):\n    pass", "forbidden"),
    ("r2-class-base-dataset", "from torch.utils.data import Dataset\nclass D(Dataset):\n    pass", "ok"),
    ("r2-class-base-dict", "class D(dict):\n    pass", "forbidden"),
    ("r2-class-base-object", "class D(object):\n    pass\nprint(D())", "ok"),
    ("r2-class-mro-conflict", "class A:\n    pass\nclass B(A):\n    pass\nclass C(A, B):\n    pass", "runtime"),
    (
        "r2-class-many-bases",
        "class A:\n    pass\nclass B0:\n    pass\nclass B1:\n    pass\nclass B2:\n    pass\nclass B3:\n    pass\n"
        "class B4:\n    pass\nclass B5:\n    pass\nclass B6:\n    pass\nclass B7:\n    pass\nclass B8:\n    pass\n"
        "class B9:\n    pass\nclass B10:\n    pass\nclass B11:\n    pass\nclass B12:\n    pass\nclass B13:\n"
        "    pass\nclass B14:\n    pass\nclass B15:\n    pass\nclass B16:\n    pass\nclass B17:\n    pass\n"
        "class B18:\n    pass\nclass B19:\n    pass\nclass B20:\n    pass\nclass B21:\n    pass\nclass B22:\n"
        "    pass\nclass B23:\n    pass\nclass B24:\n    pass\nclass B25:\n    pass\nclass B26:\n    pass\n"
        "class B27:\n    pass\nclass B28:\n    pass\nclass B29:\n    pass\nclass B30:\n    pass\nclass B31:\n"
        "    pass\nclass B32:\n    pass\nclass B33:\n    pass\nclass B34:\n    pass\nclass B35:\n    pass\n"
        "class B36:\n    pass\nclass B37:\n    pass\nclass B38:\n    pass\nclass B39:\n    pass\nclass B40:\n"
        "    pass\nclass B41:\n    pass\nclass B42:\n    pass\nclass B43:\n    pass\nclass B44:\n    pass\n"
        "class B45:\n    pass\nclass B46:\n    pass\nclass B47:\n    pass\nclass B48:\n    pass\nclass B49:\n"
        "    pass\nclass B50:\n    pass\nclass B51:\n    pass\nclass B52:\n    pass\nclass B53:\n    pass\n"
        "class B54:\n    pass\nclass B55:\n    pass\nclass B56:\n    pass\nclass B57:\n    pass\nclass B58:\n"
        "    pass\nclass B59:\n    pass\nclass B60:\n    pass\nclass B61:\n    pass\nclass B62:\n    pass\n"
        "class B63:\n    pass\nclass B64:\n    pass\nclass B65:\n    pass\nclass B66:\n    pass\nclass B67:\n"
        "    pass\nclass B68:\n    pass\nclass B69:\n    pass\nclass B70:\n    pass\nclass B71:\n    pass\n"
        "class B72:\n    pass\nclass B73:\n    pass\nclass B74:\n    pass\nclass B75:\n    pass\nclass B76:\n"
        "    pass\nclass B77:\n    pass\nclass B78:\n    pass\nclass B79:\n    pass\nclass B80:\n    pass\n"
        "class B81:\n    pass\nclass B82:\n    pass\nclass B83:\n    pass\nclass B84:\n    pass\nclass B85:\n"
        "    pass\nclass B86:\n    pass\nclass B87:\n    pass\nclass B88:\n    pass\nclass B89:\n    pass\n"
        "class B90:\n    pass\nclass B91:\n    pass\nclass B92:\n    pass\nclass B93:\n    pass\nclass B94:\n"
        "    pass\nclass B95:\n    pass\nclass B96:\n    pass\nclass B97:\n    pass\nclass B98:\n    pass\n"
        "class B99:\n    pass\nclass B100:\n    pass\nclass B101:\n    pass\nclass B102:\n    pass\nclass B103:\n"
        "    pass\nclass B104:\n    pass\nclass B105:\n    pass\nclass B106:\n    pass\nclass B107:\n    pass\n"
        "class B108:\n    pass\nclass B109:\n    pass\nclass B110:\n    pass\nclass B111:\n    pass\nclass B112:\n"
        "    pass\nclass B113:\n    pass\nclass B114:\n    pass\nclass B115:\n    pass\nclass B116:\n    pass\n"
        "class B117:\n    pass\nclass B118:\n    pass\nclass B119:\n    pass\nclass B120:\n    pass\nclass B121:\n"
        "    pass\nclass B122:\n    pass\nclass B123:\n    pass\nclass B124:\n    pass\nclass B125:\n    pass\n"
        "class B126:\n    pass\nclass B127:\n    pass\nclass B128:\n    pass\nclass B129:\n    pass\nclass B130:\n"
        "    pass\nclass B131:\n    pass\nclass B132:\n    pass\nclass B133:\n    pass\nclass B134:\n    pass\n"
        "class B135:\n    pass\nclass B136:\n    pass\nclass B137:\n    pass\nclass B138:\n    pass\nclass B139:\n"
        "    pass\nclass B140:\n    pass\nclass B141:\n    pass\nclass B142:\n    pass\nclass B143:\n    pass\n"
        "class B144:\n    pass\nclass B145:\n    pass\nclass B146:\n    pass\nclass B147:\n    pass\nclass B148:\n"
        "    pass\nclass B149:\n    pass\nclass B150:\n    pass\nclass B151:\n    pass\nclass B152:\n    pass\n"
        "class B153:\n    pass\nclass B154:\n    pass\nclass B155:\n    pass\nclass B156:\n    pass\nclass B157:\n"
        "    pass\nclass B158:\n    pass\nclass B159:\n    pass\nclass B160:\n    pass\nclass B161:\n    pass\n"
        "class B162:\n    pass\nclass B163:\n    pass\nclass B164:\n    pass\nclass B165:\n    pass\nclass B166:\n"
        "    pass\nclass B167:\n    pass\nclass B168:\n    pass\nclass B169:\n    pass\nclass B170:\n    pass\n"
        "class B171:\n    pass\nclass B172:\n    pass\nclass B173:\n    pass\nclass B174:\n    pass\nclass B175:\n"
        "    pass\nclass B176:\n    pass\nclass B177:\n    pass\nclass B178:\n    pass\nclass B179:\n    pass\n"
        "class B180:\n    pass\nclass B181:\n    pass\nclass B182:\n    pass\nclass B183:\n    pass\nclass B184:\n"
        "    pass\nclass B185:\n    pass\nclass B186:\n    pass\nclass B187:\n    pass\nclass B188:\n    pass\n"
        "class B189:\n    pass\nclass B190:\n    pass\nclass B191:\n    pass\nclass B192:\n    pass\nclass B193:\n"
        "    pass\nclass B194:\n    pass\nclass B195:\n    pass\nclass B196:\n    pass\nclass B197:\n    pass\n"
        "class B198:\n    pass\nclass B199:\n    pass\n"
        "class C(B0, B1, B2, B3, B4, B5, B6, B7, B8, B9, B10, B11, B12, B13, B14, B15, B16, B17, B1"
        "8, B19, B20, B21, B22, B23, B24, B25, B26, B27, B28, B29, B30, B31, B32, B33, B34, B35, B3"
        "6, B37, B38, B39, B40, B41, B42, B43, B44, B45, B46, B47, B48, B49, B50, B51, B52, B53, B5"
        "4, B55, B56, B57, B58, B59, B60, B61, B62, B63, B64, B65, B66, B67, B68, B69, B70, B71, B7"
        "2, B73, B74, B75, B76, B77, B78, B79, B80, B81, B82, B83, B84, B85, B86, B87, B88, B89, B9"
        "0, B91, B92, B93, B94, B95, B96, B97, B98, B99, B100, B101, B102, B103, B104, B105, B106, "
        "B107, B108, B109, B110, B111, B112, B113, B114, B115, B116, B117, B118, B119, B120, B121, "
        "B122, B123, B124, B125, B126, B127, B128, B129, B130, B131, B132, B133, B134, B135, B136, "
        "B137, B138, B139, B140, B141, B142, B143, B144, B145, B146, B147, B148, B149, B150, B151, "
        "B152, B153, B154, B155, B156, B157, B158, B159, B160, B161, B162, B163, B164, B165, B166, "
        "B167, B168, B169, B170, B171, B172, B173, B174, B175, B176, B177, B178, B179, B180, B181, "
        "B182, B183, B184, B185, B186, B187, B188, B189, B190, B191, B192, B193, B194, B195, B196, "
        "B197, B198, B199):\n    pass",
        "ok",
    ),
    ("r2-class-self-base", "class A(A):\n    pass", "runtime"),
    ("r2-class-redefine-base", "class A:\n    pass\nclass B(A):\n    pass\nclass A(B):\n    pass\nprint(A())", "ok"),
    ("r2-class-attr-assign-dunder", CLASS + "A.__init__ = print\nA()", "forbidden"),
    ("r2-class-attr-assign-call", CLASS + "A.__call__ = print\nA()(1)", "forbidden"),
    ("r2-class-attr-assign-repr-host", CLASS + "A.__repr__ = repr\nprint(A())", "forbidden"),
    ("r2-class-attr-assign-hostfn-method", CLASS + "A.g = print\nA().g(1)", "ok"),
    ("r2-class-attr-assign-torch-method", CLASS + "A.g = torch.ones\nprint(A().g(2))", "ok"),
    ("r2-instance-method-host-self", CLASS + "A.g = torch.relu\nprint(A().g())", "runtime"),
    ("r2-class-attr-sandbox-names", CLASS + "A.mro = 1\nA.attributes = 1\nA.caller = 1\nprint(A())", "ok"),
    ("r2-class-attr-host", CLASS + "A.host = 'module'\nprint(A())", "ok"),
    ("r2-class-decorator-user", "def d(c):\n    return print\n@d\nclass A:\n    pass\nA(1)", "ok"),
    ("r2-class-decorator-loop", "def d(c):\n    return d(c)\n@d\nclass A:\n    pass", "limit"),
    (
        "r2-decorator-stack-deep",
        "def d(f):\n    def g(*a):\n        return f(*a)\n    return g\ndef f():\n    return 1\n"
        "for i in range(100):\n    f = d(f)\nf()",
        "limit",
    ),
    ("r2-decorator-returns-host", "def d(f):\n    return torch.ones\n@d\ndef f():\n    pass\nprint(f(2))", "ok"),
    ("r2-star-args-huge", "def f(*a):\n    return len(a)\nprint(f(*range(10**9)))", "limit"),
    ("r2-kwargs-huge", "def f(**k):\n    return len(k)\nprint(f(**dict.fromkeys(range(10**9))))", "limit"),
    ("r2-kwargs-nonstr", "def f(**k):\n    return k\nprint(f(**{1: 2}))", "runtime"),
    ("r2-kwargs-underscore", "def f(**k):\n    return k\nprint(f(**{'__class__': 2}))", "runtime"),
    ("r2-kwargs-dunder-to-method", CLASS + "a = A()\nprint(a.f(**{'self': 1}))", "runtime"),
    (
        "r2-star-args-iter-user",
        "class A:\n    def __iter__(self):\n        return iter([1, 2])\ndef f(*a):\n    return a\nprint(f(*A()))",
        "runtime",
    ),
    ("r2-lambda-default-host", "f = lambda a=torch: a\nprint(f())", "ok"),
    ("r2-lambda-recursion", "f = lambda n: f(n + 1)\nf(0)", "limit"),
    (
        "r2-lambda-y-combinator",
        "Y = lambda f: (lambda x: x(x))(lambda x: f(lambda v: x(x)(v)))\n"
        "fact = Y(lambda f: lambda n: 1 if n == 0 else n * f(n - 1))\nprint(fact(30))\nprint(fact(1000))",
        "limit",
    ),
    (
        "r2-closure-cell",
        "def f():\n    x = 1\n    def g():\n        return x\n    return g\na = f().__closure__",
        "forbidden",
    ),
    ("r2-generator-fn", "def f():\n    yield 1\na = f()\nprint(a)", "ok"),
    ("r2-generator-fn-gi-frame", "def f():\n    yield 1\na = f().gi_frame", "forbidden"),
    ("r2-genexp", "a = (i for i in range(3))\nprint(a)\na = a.gi_frame", "forbidden"),
    ("r2-genexp-huge-sum", "a = sum(i for i in range(10**9))", "limit"),
    ("r2-genexp-nested", "a = list(i for i in (j for j in range(10**9)))", "limit"),
    ("r2-nested-comp-huge", "a = [i * j for i in range(10**5) for j in range(10**5)]", "limit"),
    ("r2-dict-comp-huge", "a = {i: i for i in range(10**9)}", "limit"),
    ("r2-del-builtin", "del print", "runtime"),
    ("r2-assign-builtin", "print = 1\nprint(print)", "runtime"),
    ("r2-assign-torch", "torch = 1\nprint(torch)", "ok"),
    (
        "r2-nonlocal",
        "def f():\n    x = 1\n    def g():\n        nonlocal x\n        x = 2\n    g()\n    return x\nprint(f())",
        "forbidden",
    ),
    ("r2-global-decl", "def f():\n    global x\n    x = 1\nf()", "forbidden"),
    ("r2-match", "match 1:\n    case 1:\n        pass", "forbidden"),
    ("r2-with-user", CLASS + "with A():\n    pass", "forbidden"),
    (
        "r2-with-user-enter",
        "class A:\n    def __enter__(self):\n        return self\n    def __exit__(self, *a):\n"
        "        return True\nwith A():\n    1/0",
        "forbidden",
    ),
    (
        "r2-assert-user-msg",
        "class A:\n    def __str__(self):\n        return 'x' * 10**5\nassert False, A()",
        "runtime",
    ),
    ("r2-star-assign", "a, *b = range(10**9)", "limit"),
    ("r2-augassign-attr-user", CLASS + "a = A()\na.x = 1\na.x += 1\nprint(a.x)", "ok"),
    ("r2-unicode-ident", "变量 = torch.ones(2)\nprint(变量)", "ok"),
    ("r2-unicode-confusable", "ｐｒｉｎｔ(1)", "ok"),
    ("r2-unicode-dunder", "a = ().__ｃlass__", "forbidden"),
    ("r2-unicode-dunder-getattr", "a = getattr((), '__ｃlass__')", "forbidden"),
    ("r2-unicode-underscore", "a = torch.＿C", "syntax"),
    ("r2-import-stand-in-print", "import os\nprint(os)", "ok"),
    ("r2-import-stand-in-list", "import os\na = [os]\nprint(a)", "ok"),
    ("r2-import-stand-in-attr-chain", "import os.path\nprint(os.path)", "forbidden"),
    ("r2-import-stand-in-call", "import os\nos()", "runtime"),
    ("r2-import-stand-in-iter", "import os\nfor a in os:\n    pass", "runtime"),
    ("r2-import-stand-in-bool", "import os\nif os:\n    print(1)", "ok"),
    ("r2-import-stand-in-eq", "import os\nprint(os == os)", "ok"),
    ("r2-import-stand-in-isinstance", "import os\nprint(isinstance(os, int))", "ok"),
    ("r2-import-stand-in-getattr", "import os\na = getattr(os, 'environ')", "forbidden"),
    ("r2-import-stand-in-hasattr", "import os\nprint(hasattr(os, 'environ'))", "ok"),
    ("r2-import-stand-in-dict-key", "import os\nd = {os: 1}\nprint(d)", "ok"),
    (
        "r2-import-stand-in-hook",
        "import os\nx = torch.ones(1, requires_grad=True)\nx.register_hook(os.system)",
        "forbidden",
    ),
    ("r2-import-stand-in-class-base", "import os\nclass A(os):\n    pass", "forbidden"),
    ("r2-import-stand-in-raise", "import os\nraise os", "runtime"),
    ("r2-import-stand-in-except", "import os\ntry:\n    pass\nexcept os:\n    pass", "ok"),
    ("r2-import-stand-in-decorator", "import functools\n@functools.lru_cache\ndef f():\n    pass", "forbidden"),
    ("r2-import-stand-in-repr", "import os\nprint(repr(os), str(os), '{}'.format(os))", "ok"),
    ("r2-import-star-numpy", "from numpy import *", "forbidden"),
    ("r2-from-numpy-load", "from numpy import load\na = load('/etc/passwd')", "forbidden"),
    ("r2-from-numpy-lib", "from numpy.lib import stride_tricks\na = stride_tricks.as_strided", "forbidden"),
    ("r2-import-numpy-lib", "import numpy.lib\na = numpy.lib", "forbidden"),
    (
        "r2-import-numpy-random-alias",
        "import numpy.random as npr\nprint(npr.rand(2).shape)\na = npr.get_state()",
        "forbidden",
    ),
    ("r2-from-numpy-random-state", "from numpy.random import get_state\na = get_state()", "forbidden"),
    (
        "r2-import-torch-nn-functional",
        "import torch.nn.functional as G\nprint(G.relu(torch.ones(1)))\na = G.torch",
        "forbidden",
    ),
    (
        "r2-import-torch-utils-data-internal",
        "import torch.utils.data.dataloader as dl\na = dl.multiprocessing",
        "forbidden",
    ),
    (
        "r2-from-torch-utils-data-internal",
        "from torch.utils.data.dataloader import _MultiProcessingDataLoaderIter\na = _MultiProcessingDataLoaderIter",
        "forbidden",
    ),
    (
        "r2-from-torch-autograd-function",
        "from torch.autograd.function import FunctionCtx\na = FunctionCtx()",
        "forbidden",
    ),
    (
        "r2-from-torch-autograd-graph",
        "from torch.autograd.graph import saved_tensors_hooks\nwith saved_tensors_hooks(print, print):\n    pass",
        "forbidden",
    ),
    (
        "r2-from-torch-nn-modules",
        "from torch.nn.modules.module import register_module_forward_hook\nregister_module_forward_hook(print)",
        "forbidden",
    ),
    (
        "r2-from-torch-nn-module-global-hook",
        "from torch.nn.modules import module\nmodule.register_module_forward_hook(print)",
        "forbidden",
    ),
    ("r2-from-torch-overrides", "from torch.overrides import TorchFunctionMode", "ok"),
    (
        "r2-from-torch-utils-hooks",
        "from torch.utils.hooks import RemovableHandle\na = RemovableHandle({})",
        "forbidden",
    ),
    ("r2-import-torch-as-underscore", "import torch.nn as __nn", "forbidden"),
    ("r2-from-import-underscore", "from torch import _tensor_str", "forbidden"),
    ("r2-import-random-alias", "import random as r\nr.seed(1)\nprint(r.random())\na = r._inst", "forbidden"),
    ("r2-from-random-state", "from random import getstate\na = getstate()", "forbidden"),
    ("r2-from-random-Random", "from random import Random\na = Random(1)", "forbidden"),
    ("r2-import-math", "import math\nprint(math.sqrt(2))\na = math.factorial(10**6)", "forbidden"),
    ("r2-math-factorial-huge", "import math\na = math.factorial(5000)", "forbidden"),
    ("r2-math-comb-huge", "import math\na = math.comb(10**6, 5 * 10**5)", "forbidden"),
    ("r2-math-prod-huge", "import math\na = math.prod(range(1, 10**5))", "forbidden"),
    ("r2-math-pow-huge", "import math\na = math.pow(10, 10**6)", "runtime"),
    ("r2-math-isqrt", "import math\na = math.isqrt(10**10000)", "forbidden"),
    ("r2-math-lcm", "import math\na = math.lcm(*range(1, 10**4))", "forbidden"),
    ("r2-plt-plot-host", "import matplotlib.pyplot as plt\nplt.plot(print)\nplt.show()", "ok"),
    (
        "r2-plt-figure-methods",
        "import matplotlib.pyplot as plt\nf, ax = plt.subplots()\nax.plot([1])\nf.savefig('{DIR}/a.png')\nprint(f, ax)",
        "ok",
    ),
    ("r2-plt-subplots-huge", "import matplotlib.pyplot as plt\nf, ax = plt.subplots(10**4, 10**4)", "ok"),
    ("r2-plt-rcparams", "import matplotlib.pyplot as plt\nplt.rcParams['backend'] = 'x'", "runtime"),
    ("r2-plt-use", "import matplotlib\nmatplotlib.use('Agg')", "forbidden"),
    ("r2-plt-style", "import matplotlib.pyplot as plt\nplt.style.use('/etc/passwd')", "forbidden"),
    ("r2-plt-imread", "import matplotlib.pyplot as plt\na = plt.imread('/etc/passwd')", "ok"),
    ("r2-plt-imshow-huge", "import matplotlib.pyplot as plt\nplt.imshow(torch.ones(2, 2))", "ok"),
    (
        "r2-plt-ax-attr",
        "import matplotlib.pyplot as plt\nf, ax = plt.subplots()\na = ax.figure\nb = ax.transData",
        "forbidden",
    ),
    (
        "r2-plt-ax-chain",
        "import matplotlib.pyplot as plt\nf, ax = plt.subplots()\na = ax.plot([1])[0].get_xdata()\nprint(a)",
        "forbidden",
    ),
    ("r2-plt-loop", "import matplotlib.pyplot as plt\nfor i in range(100000):\n    plt.plot([1])", "ok"),
    ("r2-seaborn", "import seaborn as sns\nsns.set()", "forbidden"),
    ("r2-tqdm", "from tqdm import tqdm\nfor i in tqdm(range(3)):\n    print(i)", "forbidden"),
    ("r2-ipython", "from IPython.display import display\ndisplay(1)", "forbidden"),
    ("r2-torchvision", "import torchvision\na = torchvision.datasets.MNIST('{DIR}', download=True)", "forbidden"),
    (
        "r2-hook-limit-caught",
        "x = torch.ones(3, requires_grad=True)\ny = (x * 2).sum()\ndef h(g):\n    return torch.ones(10**10)\n"
        "x.register_hook(h)\ntry:\n    y.backward()\nexcept Exception as e:\n    print('caught', e)",
        "limit",
    ),
    (
        "r2-hook-forbidden-caught",
        "x = torch.ones(3, requires_grad=True)\ny = (x * 2).sum()\ndef h(g):\n    a = getattr(torch, 'o' + 's')\n"
        "x.register_hook(h)\ntry:\n    y.backward()\nexcept Exception as e:\n    print('caught', e)",
        "forbidden",
    ),
    (
        "r2-fn-backward-limit-caught",
        "class F(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        return x * 2\n"
        "    @staticmethod\n    def backward(ctx, g):\n        return torch.ones(10**10)\n"
        "y = F.apply(torch.ones(2, requires_grad=True))\ntry:\n    y.sum().backward()\nexcept Exception as e:\n"
        "    print('caught', e)",
        "limit",
    ),
    (
        "r2-fn-forward-limit-caught",
        "class F(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n"
        "        return torch.ones(10**10)\ntry:\n    y = F.apply(torch.ones(2, requires_grad=True))\n"
        "except Exception as e:\n    print('caught', e)",
        "limit",
    ),
    (
        "r2-fn-forward-forbidden-caught",
        "class F(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n"
        "        return getattr(torch, 'o' + 's')\ntry:\n    y = F.apply(torch.ones(2, requires_grad=True))\n"
        "except Exception as e:\n    print('caught', e)",
        "forbidden",
    ),
    (
        "r2-module-forward-limit-caught",
        "class N(nn.Module):\n    def forward(self, x):\n        return torch.ones(10**10)\ntry:\n    N()(1)\n"
        "except Exception as e:\n    print('caught', e)",
        "limit",
    ),
    (
        "r2-module-repr-limit-caught",
        "class N(nn.Module):\n    def extra_repr(self):\n        return 'a' * 10**9\ntry:\n    print(N())\n"
        "except Exception as e:\n    print('caught', e)",
        "limit",
    ),
    (
        "r2-jacobian-limit-caught",
        "def f(v):\n    return torch.ones(10**10)\ntry:\n    torch.autograd.functional.jacobian(f, torch.ones(2))\n"
        "except Exception as e:\n    print('caught', e)",
        "limit",
    ),
    (
        "r2-sorted-key-limit-caught",
        "def k(v):\n    return torch.ones(10**10)\ntry:\n    sorted([1, 2], key=k)\nexcept Exception as e:\n"
        "    print('caught', e)",
        "limit",
    ),
    (
        "r2-map-limit-caught",
        "def k(v):\n    return torch.ones(10**10)\ntry:\n    list(map(k, [1]))\nexcept Exception as e:\n"
        "    print('caught', e)",
        "limit",
    ),
    (
        "r2-lt-limit-caught",
        "class A:\n    def __lt__(self, o):\n        return torch.ones(10**10)\ntry:\n    sorted([A(), A()])\n"
        "except Exception as e:\n    print('caught', e)",
        "limit",
    ),
    (
        "r2-np-op-limit-caught",
        "import numpy as np\nclass A:\n    def __radd__(self, o):\n        return torch.ones(10**10)\ntry:\n"
        "    np.ones(2) + A()\nexcept Exception as e:\n    print('caught', e)",
        "limit",
    ),
    (
        "r2-str-limit-caught",
        "class A:\n    def __str__(self):\n        return str(torch.ones(10**10))\ntry:\n    print(A())\n"
        "except Exception as e:\n    print('caught', e)",
        "limit",
    ),
    (
        "r2-format-limit-caught",
        "class A:\n    def __repr__(self):\n        return str(torch.ones(10**10))\ntry:\n    '{!r}'.format(A())\n"
        "except Exception as e:\n    print('caught', e)",
        "limit",
    ),
    (
        "r2-eq-in-list-limit-caught",
        "class A:\n    def __eq__(self, o):\n        return torch.ones(10**10)\ntry:\n    [1].index(A())\n"
        "except Exception as e:\n    print('caught', e)",
        "limit",
    ),
    (
        "r2-len-limit-caught",
        "class A:\n    def __len__(self):\n        a = torch.ones(10**10)\n        return 1\ntry:\n    len(A())\n"
        "except Exception as e:\n    print('caught', e)",
        "limit",
    ),
    (
        "r2-bool-limit-caught",
        "class A:\n    def __bool__(self):\n        a = torch.ones(10**10)\n        return True\ntry:\n"
        "    if A():\n        pass\nexcept Exception as e:\n    print('caught', e)",
        "limit",
    ),
    (
        "r2-sum-radd-limit-caught",
        "class A:\n    def __radd__(self, o):\n        return torch.ones(10**10)\ntry:\n    sum([A()])\n"
        "except Exception as e:\n    print('caught', e)",
        "limit",
    ),
    (
        "r2-tensor-radd-limit-caught",
        "class A:\n    def __radd__(self, o):\n        return torch.ones(10**10)\ntry:\n    torch.ones(2) + A()\n"
        "except Exception as e:\n    print('caught', e)",
        "limit",
    ),
    (
        "r2-loader-limit-caught",
        "from torch.utils.data import DataLoader\ntry:\n"
        "    for b in DataLoader([torch.ones(1)] * 10, batch_size=10**12):\n        pass\nexcept Exception as e:\n"
        "    print('caught', e)",
        "ok",
    ),
    (
        "r2-finally-return-runtime",
        "def f():\n    try:\n        1 / 0\n    finally:\n        return 1\nprint(f())",
        "ok",
    ),
    (
        "r2-finally-runs-on-runtime",
        "try:\n    try:\n        1 / 0\n    finally:\n        print('finally')\nexcept ZeroDivisionError:\n"
        "    print('caught')",
        "ok",
    ),
    (
        "r2-finally-return-in-loop",
        "def f():\n    for i in range(3):\n        try:\n            return i\n        finally:\n"
        "            print('f', i)\nprint(f())",
        "ok",
    ),
    ("r2-raise-long", "raise ValueError('x' * 10**5)", "runtime"),
    # Added while this round ran: gradcheck, F.conv2d/F.embedding, iter(DataLoader).
    (
        "r2-gradcheck-huge",
        "def f(v):\n    return v * 2\n"
        "a = torch.autograd.gradcheck(f, (torch.ones(3000, dtype=torch.double, requires_grad=True),))",
        "limit",
    ),
    (
        "r2-gradcheck-returns-host",
        "def f(v):\n    return torch\n"
        "a = torch.autograd.gradcheck(f, (torch.ones(2, dtype=torch.double, requires_grad=True),))",
        "runtime",
    ),
    ("r2-gradcheck-print", "a = torch.autograd.gradcheck(print, (torch.ones(2, requires_grad=True),))", "runtime"),
    ("r2-conv2d-weight-huge", "y = F.conv2d(torch.ones(1, 1, 2000, 2000), torch.ones(1000, 1, 1, 1))", "limit"),
    (
        "r2-conv2d-dilation-huge",
        "y = F.conv2d(torch.ones(1, 1, 5, 5), torch.ones(1, 1, 3, 3), dilation=10**9)",
        "runtime",
    ),
    ("r2-conv2d-stride-zero", "y = F.conv2d(torch.ones(1, 1, 5, 5), torch.ones(1, 1, 3, 3), stride=0)", "runtime"),
    ("r2-embedding-fn-index-oob", "a = F.embedding(torch.tensor([10**6]), torch.ones(2, 3))", "runtime"),
    ("r2-embedding-fn-negative", "a = F.embedding(torch.tensor([-5]), torch.ones(2, 3))", "runtime"),
    ("r2-embedding-fn-huge-out", "a = F.embedding(torch.zeros(4000, dtype=torch.long), torch.ones(2, 4000))", "limit"),
    (
        "r2-loader-iter-dataset",
        R2_DATA + "i = iter(DataLoader(TensorDataset(torch.ones(4))))\na = i.dataset",
        "forbidden",
    ),
    (
        "r2-loader-iter-past-end",
        R2_DATA + "i = iter(DataLoader(TensorDataset(torch.ones(2))))\nnext(i)\nnext(i)\nnext(i)",
        "runtime",
    ),
    # numpy's `where=` without `out=` left unselected elements unset: earlier requests' arrays and heap
    # pointers came back (numpy's small-buffer cache bypasses the worker's malloc scrubbing).
    ("r2-np-where-ufunc", R2_NP + "a = np.add(np.ones(100), 1, where=False)\nprint(a.tolist())", "forbidden"),
    ("r2-np-where-mask", R2_NP + "a = np.exp(np.ones(8), where=np.zeros(8) > 1)\nprint(a)", "forbidden"),
    ("r2-np-where-out-none", R2_NP + "a = np.exp(np.ones(8), out=None, where=False)\nprint(a)", "forbidden"),
    ("r2-np-where-method", R2_NP + "a = np.ones(8).clip(0, 1, where=False)\nprint(a)", "forbidden"),
    ("r2-np-where-clip", R2_NP + "a = np.clip(np.ones(8), 0, 1, where=False)\nprint(a)", "forbidden"),
    ("r2-np-where-with-out", R2_NP + "x = np.ones(8)\na = np.divide(x, x, out=np.zeros_like(x), where=x > 0)", "ok"),
    # Later in the round: module.apply, DataLoader iteration, nesting through host calls, autograd.functional.
    ("r2-module-apply-print", NET + "m = N()\nm.apply(print)", "ok"),
    ("r2-module-apply-stash", NET + "got = []\ndef f(m):\n    got.append(m)\nm = N()\nm.apply(f)\nprint(got)", "ok"),
    (
        "r2-iter-loader-huge",
        "from torch.utils.data import DataLoader, TensorDataset\n"
        "i = iter(DataLoader(TensorDataset(torch.ones(4000000)), batch_size=1))",
        "limit",
    ),
    (
        "r2-list-loader-huge",
        "from torch.utils.data import DataLoader, TensorDataset\n"
        "a = list(DataLoader(TensorDataset(torch.ones(4000000)), batch_size=1))",
        "limit",
    ),
    (
        "r2-enumerate-loader-huge",
        "from torch.utils.data import DataLoader, TensorDataset\n"
        "a = list(enumerate(DataLoader(TensorDataset(torch.ones(4000000)), batch_size=1)))",
        "limit",
    ),
    (
        "r2-zip-loader",
        "from torch.utils.data import DataLoader, TensorDataset\n"
        "d = DataLoader(TensorDataset(torch.ones(4)), batch_size=2)\nfor a, b in zip(d, d):\n    print(a, b)",
        "ok",
    ),
    (
        "r2-sorted-loader",
        "from torch.utils.data import DataLoader, TensorDataset\n"
        "d = DataLoader(TensorDataset(torch.ones(4)), batch_size=2)\nprint(sorted(d, key=len))",
        "ok",
    ),
    ("r2-loader-len", R2_DATA + "print(len(DataLoader(TensorDataset(torch.ones(10)), batch_size=3)))", "ok"),
    (
        "r2-deep-nesting-per-call",
        "def f(n):\n    return ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((("
        "(((((((((((f(n + 1))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))"
        ")))))))))))))))))))\nf(0)",
        "limit",
    ),
    (
        "r2-deep-nesting-host-call",
        "def f(n):\n    return sorted([1, 2], key=lambda v: (((((((((((((((((((((((((((((((((((((((((((((((((("
        "((((((((((((((((((((((((((((((((((((((((f(n + 1)))))))))))))))))))))))))))))))))))))))))))"
        ")))))))))))))))))))))))))))))))))))))))))))))))))\nf(0)",
        "limit",
    ),
    (
        "r2-deep-nesting-module",
        "class N(nn.Module):\n    def forward(self, x):\n"
        "        return ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((("
        "(((((((((((((((self(x)))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))"
        "))))))))))))))))))))))\nN()(1)",
        "limit",
    ),
    (
        "r2-deep-repr-chain",
        "class A:\n    def __init__(self, n):\n        self.n = n\n    def __repr__(self):\n"
        "        return ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((("
        "(((((((((((((((repr([A(self.n + 1)])))))))))))))))))))))))))))))))))))))))))))))))))))))))"
        "))))))))))))))))))))))))))))))))))))\nprint(A(0))",
        "limit",
    ),
    ("r2-raise-long-msg", "raise ValueError('x' * 99999)", "runtime"),
    ("r2-assert-long-msg", "assert False, 'x' * 99999", "runtime"),
    (
        "r2-vmap-stash",
        "got = []\ndef f(v):\n    got.append(v)\n    return v * 2\n"
        "a = torch.autograd.functional.jacobian(f, torch.ones(3), vectorize=True)\nb = got[-1]\nprint(b.shape)\n"
        "print(b)\nprint(b + 1)",
        "ok",
    ),
    (
        "r2-vmap-stash-backward",
        "got = []\ndef f(v):\n    got.append(v)\n    return v * 2\n"
        "a = torch.autograd.functional.jacobian(f, torch.ones(3, requires_grad=True), vectorize=Tru"
        "e, create_graph=True)\nfor g in got:\n    print(g.sum())\n    g.sum().backward()",
        "ok",
    ),
    (
        "r2-hessian-stash",
        "got = []\ndef f(v):\n    got.append(v)\n    return (v * v).sum()\n"
        "a = torch.autograd.functional.hessian(f, torch.ones(2))\nfor g in got:\n    print(g)",
        "ok",
    ),
    (
        "r2-jacobian-create-graph-stash",
        "got = []\ndef f(v):\n    got.append(v)\n    return v * v\n"
        "a = torch.autograd.functional.jacobian(f, torch.ones(2), create_graph=True)\n"
        "print(got[0].grad_fn, got[0].requires_grad)\ngot[0].sum().backward()",
        "ok",
    ),
    (
        "r2-jvp",
        "def f(v):\n    return v * 2\nprint(torch.autograd.functional.jvp(f, torch.ones(2), torch.ones(2)))",
        "ok",
    ),
    (
        "r2-vjp-fn",
        "def f(v):\n    return v * 2\nprint(torch.autograd.functional.vjp(f, torch.ones(2), torch.ones(2)))",
        "ok",
    ),
    ("r2-parameter-host", "p = nn.Parameter(print)", "forbidden"),
    ("r2-parameter-user", "class A:\n    pass\np = nn.Parameter(A())", "forbidden"),
    ("r2-parameter-ok", "p = nn.Parameter(torch.ones(2))\nprint(p)", "ok"),
    ("r2-module-list-host", "m = nn.ModuleList([print])", "forbidden"),
    ("r2-module-dict-host", "m = nn.ModuleDict({'a': print})", "forbidden"),
    ("r2-param-list-host", "m = nn.ParameterList([print])", "forbidden"),
    ("r2-sequential-dict-host", "m = nn.Sequential({'a': print})", "forbidden"),
    ("r2-sequential-slice", "m = nn.Sequential(nn.Linear(2, 2), nn.ReLU())\nprint(m[0:1], m[-1])", "ok"),
    ("r2-sequential-append-host", "m = nn.Sequential(nn.Linear(2, 2))\nm.append(print)", "forbidden"),
    ("r2-sequential-setitem-host", "m = nn.Sequential(nn.Linear(2, 2))\nm[0] = print", "runtime"),
    ("r2-sequential-delitem", "m = nn.Sequential(nn.Linear(2, 2))\ndel m[0]\nprint(m)", "runtime"),
    ("r2-sequential-modules-dict", "m = nn.Sequential(nn.Linear(2, 2))\na = m._modules", "forbidden"),
    # Numpy generators of their own, iteration over arrays, layers and modes added during the round.
    ("r2-module-modules-setdefault", NET + "m = N()\nm._modules.setdefault('x', print)\nprint(m)", "forbidden"),
    ("r2-rng-bitgen", R2_NP + "r = np.random.default_rng(0)\na = r.bit_generator", "forbidden"),
    ("r2-rng-state", R2_NP + "r = np.random.default_rng(0)\na = r.bit_generator.state", "forbidden"),
    ("r2-rng-getstate", R2_NP + "r = np.random.default_rng(0)\na = r.__getstate__()", "forbidden"),
    ("r2-rng-huge", R2_NP + "r = np.random.default_rng(0)\na = r.random(size=(10**5, 10**5))", "limit"),
    ("r2-rng-huge-pos", R2_NP + "r = np.random.default_rng(0)\na = r.random((10**5, 10**5))", "limit"),
    ("r2-rng-integers-huge", R2_NP + "r = np.random.default_rng(0)\na = r.integers(0, 10, size=10**12)", "limit"),
    ("r2-rng-normal-huge", R2_NP + "r = np.random.default_rng(0)\na = r.normal(0, 1, (10**5, 10**5))", "limit"),
    ("r2-rng-bytes", R2_NP + "r = np.random.default_rng(0)\na = r.bytes(10**9)", "forbidden"),
    ("r2-rng-choice-huge", R2_NP + "r = np.random.default_rng(0)\na = r.choice(10**12, 10**12)", "limit"),
    ("r2-rng-permutation-huge", R2_NP + "r = np.random.default_rng(0)\na = r.permutation(10**10)", "limit"),
    ("r2-rng-spawn", R2_NP + "r = np.random.default_rng(0)\na = r.spawn(10**6)", "forbidden"),
    ("r2-rng-seed-none", R2_NP + "r = np.random.default_rng()\nprint(r.random())", "ok"),
    ("r2-rng-seed-huge", R2_NP + "r = np.random.default_rng(2**100000)", "limit"),
    ("r2-rng-seed-list-huge", R2_NP + "r = np.random.default_rng([1] * 10**6)", "limit"),
    ("r2-rs-getstate", R2_NP + "r = np.random.RandomState(0)\na = r.get_state()", "forbidden"),
    ("r2-rs-setstate", R2_NP + "r = np.random.RandomState(0)\nr.set_state(('MT19937', [0] * 624, 0))", "forbidden"),
    ("r2-rs-huge", R2_NP + "r = np.random.RandomState(0)\na = r.randn(10**5, 10**5)", "limit"),
    ("r2-rs-seed-none", R2_NP + "r = np.random.RandomState()\nprint(r.rand())", "ok"),
    ("r2-set-default-device-meta", "torch.set_default_device('meta')", "forbidden"),
    ("r2-tensor-type-odd", "a = torch.ones(2).type('os.system')", "runtime"),
    ("r2-iter-array-huge", R2_NP + "i = iter(np.ones(4000000))", "limit"),
    ("r2-next-array", R2_NP + "i = iter(np.ones(3))\nprint(next(i))", "ok"),
    ("r2-math-gamma-huge", "import math\na = math.gamma(10**6)", "runtime"),
    ("r2-percent-array", R2_NP + "print('%.4f' % np.ones(1)[0])\nprint('%s' % np.ones(4000000))", "ok"),
    ("r2-astype-str", R2_NP + "a = np.ones(2).astype('U10')", "forbidden"),
    ("r2-astype-object-str", R2_NP + "a = np.ones(2).astype('object')", "forbidden"),
    ("r2-maxpool-fn", "y = F.max_pool2d(torch.ones(1, 1, 4, 4), 2)\nprint(y)", "ok"),
    # The program's own Dataset subclasses, which DataLoader calls back.
    (
        "r2-ds-len-huge-list",
        "from torch.utils.data import Dataset, DataLoader\nclass D(Dataset):\n    def __len__(self):\n"
        "        return 10**12\n    def __getitem__(self, i):\n        return torch.ones(1)\n"
        "a = list(DataLoader(D()))",
        "limit",
    ),
    (
        "r2-ds-len-negative",
        "from torch.utils.data import Dataset, DataLoader\nclass D(Dataset):\n    def __len__(self):\n"
        "        return -1\n    def __getitem__(self, i):\n        return torch.ones(1)\n"
        "for b in DataLoader(D()):\n    pass",
        "runtime",
    ),
    (
        "r2-ds-getitem-limit-caught",
        "from torch.utils.data import Dataset, DataLoader\nclass D(Dataset):\n    def __len__(self):\n"
        "        return 2\n    def __getitem__(self, i):\n        return torch.ones(10**10)\ntry:\n"
        "    for b in DataLoader(D()):\n        pass\nexcept Exception:\n    print('caught')",
        "limit",
    ),
    (
        "r2-ds-getitem-host",
        "from torch.utils.data import Dataset, DataLoader\nclass D(Dataset):\n    def __len__(self):\n"
        "        return 2\n    def __getitem__(self, i):\n        return torch\nfor b in DataLoader(D()):\n"
        "    print(b)",
        "runtime",
    ),
    (
        "r2-ds-getitem-user",
        "from torch.utils.data import Dataset, DataLoader\nclass A:\n    pass\nclass D(Dataset):\n"
        "    def __len__(self):\n        return 2\n    def __getitem__(self, i):\n        return A()\n"
        "for b in DataLoader(D()):\n    print(b)",
        "runtime",
    ),
    (
        "r2-ds-getitem-dict",
        "from torch.utils.data import Dataset, DataLoader\nclass D(Dataset):\n    def __len__(self):\n"
        "        return 2\n    def __getitem__(self, i):\n        return {'a': torch.ones(1), 'b': [1, 2]}\n"
        "for b in DataLoader(D(), batch_size=2):\n    print(b)",
        "ok",
    ),
    (
        "r2-ds-getitem-index-type",
        "from torch.utils.data import Dataset, DataLoader\nclass D(Dataset):\n    def __len__(self):\n"
        "        return 2\n    def __getitem__(self, i):\n        print(type(i), i)\n        return torch.ones(1)\n"
        "for b in DataLoader(D(), batch_size=2):\n    pass",
        "ok",
    ),
    (
        "r2-ds-getitem-huge-batch",
        "from torch.utils.data import Dataset, DataLoader\nclass D(Dataset):\n    def __len__(self):\n"
        "        return 1000\n    def __getitem__(self, i):\n        return torch.ones(100000)\n"
        "for b in DataLoader(D(), batch_size=1000):\n    pass",
        "limit",
    ),
    (
        "r2-ds-getitem-stash",
        "from torch.utils.data import Dataset, DataLoader\ngot = []\nclass D(Dataset):\n    def __len__(self):\n"
        "        return 2\n    def __getitem__(self, i):\n        got.append(i)\n        return torch.ones(1)\n"
        "for b in DataLoader(D()):\n    pass\nprint(got)",
        "ok",
    ),
    (
        "r2-ds-self-attrs",
        "from torch.utils.data import Dataset, DataLoader\nclass D(Dataset):\n    def __init__(self):\n"
        "        self.x = torch.ones(3)\n    def __len__(self):\n        return 3\n    def __getitem__(self, i):\n"
        "        return self.x[i]\nd = D()\nprint(d.x, len(d), d[0])\na = d.__class__\nb = d.__dict__",
        "forbidden",
    ),
    (
        "r2-ds-add",
        "from torch.utils.data import Dataset, DataLoader\nclass D(Dataset):\n    def __len__(self):\n"
        "        return 1\n    def __getitem__(self, i):\n        return torch.ones(1)\nc = D() + D()\n"
        "print(len(c))",
        "runtime",
    ),
    (
        "r2-ds-super-internals",
        "from torch.utils.data import Dataset, DataLoader\nclass D(Dataset):\n    def f(self):\n"
        "        return super().__getattr__\nD().f()",
        "forbidden",
    ),
    # The switch behind torch's fill of uninitialised memory, and raw-memory constructors.
    (
        "r2-utils-deterministic",
        "torch.utils.deterministic.fill_uninitialized_memory = False\na = torch.empty(8)\nprint(a)",
        "forbidden",
    ),
    ("r2-utils-deterministic-read", "a = torch.utils.deterministic", "forbidden"),
    (
        "r2-import-utils-deterministic",
        "import torch.utils.deterministic as d\nd.fill_uninitialized_memory = False",
        "forbidden",
    ),
    (
        "r2-from-utils-deterministic",
        "from torch.utils import deterministic\ndeterministic.fill_uninitialized_memory = False",
        "forbidden",
    ),
    ("r2-are-deterministic", "print(torch.are_deterministic_algorithms_enabled())", "forbidden"),
    ("r2-deterministic-warn-only", "torch.use_deterministic_algorithms(True, warn_only=True)", "forbidden"),
    ("r2-set-deterministic-debug", "torch.set_deterministic_debug_mode(0)", "forbidden"),
    ("r2-utils-data-internals", "a = torch.utils.data.get_worker_info()\nprint(a)", "forbidden"),
    ("r2-utils-hooks", "a = torch.utils.hooks", "forbidden"),
    ("r2-utils-checkpoint", "a = torch.utils.checkpoint.checkpoint(print, torch.ones(1))", "forbidden"),
    ("r2-utils-dlpack", "a = torch.utils.dlpack", "forbidden"),
    ("r2-utils-backcompat", "a = torch.utils.backcompat", "forbidden"),
    ("r2-from-dlpack", "a = torch.from_dlpack(torch.ones(1))", "forbidden"),
    ("r2-frombuffer", "a = torch.frombuffer(bytearray(8), dtype=torch.uint8)", "forbidden"),
    ("r2-as-strided-fn", "a = torch.as_strided(torch.ones(2), (1000,), (1,))", "forbidden"),
    # A user module's children table takes modules only, whichever way it is written.
    *(
        (f"r2-module-table-{i}", USER_MODULE + write + "\nprint(m)", "runtime")
        for i, write in enumerate(
            [
                "m._modules['x'] = print",
                "m._modules['x'] = torch",
                "m._modules['y'] = torch.ones(2)",
                "m._modules.update({'x': print})",
                "m._modules.update(x=optim.SGD(m.parameters(), lr=0.1))",
                "m._modules |= {'x': print}",
                "m._modules[3] = nn.ReLU()",
            ]
        )
    ),
    ("r2-module-table-setdefault", USER_MODULE + "m._modules.setdefault('x', print)", "forbidden"),
    ("r2-module-table-module", USER_MODULE + "m._modules['extra'] = nn.ReLU()\nprint(m)", "ok"),
]
# The attack test reads the tables it knows; round 2 runs with the class attacks.
CLASSES.extend(ROUND_2)

# Issue 10's last course constructs: collections.OrderedDict, pprint, np.nditer, `__module__`/`__name__`
# and optimizer.param_groups. None of them is a way to a real class, module or function.
ND = "import numpy as np\nit = np.nditer(np.zeros((2, 2)), flags=['multi_index'])\n"
COURSE_MODULES: list[Case] = [
    ("od-class", "from collections import OrderedDict\na = OrderedDict().__class__", "forbidden"),
    ("od-dict", "from collections import OrderedDict\na = OrderedDict.__dict__", "forbidden"),
    ("od-subclasses", "from collections import OrderedDict\na = OrderedDict.__subclasses__()", "forbidden"),
    ("od-type-mro", "from collections import OrderedDict\na = type(OrderedDict()).__mro__", "forbidden"),
    ("od-getattr-init", "from collections import OrderedDict\na = getattr(OrderedDict(), '__init__')", "forbidden"),
    ("od-fn-value", "from collections import OrderedDict\nd = OrderedDict(f=print)\nd['g'] = len\nprint(d)", "ok"),
    ("od-fn-to-torch", "from collections import OrderedDict\nm = nn.Sequential(OrderedDict(a=print))", "forbidden"),
    ("od-move-to-end", "from collections import OrderedDict\nOrderedDict(a=1).move_to_end('a')", "forbidden"),
    ("collections-dict", "import collections\na = collections.__dict__", "forbidden"),
    ("collections-not-offered", "import collections\na = collections.namedtuple('P', 'x y')", "forbidden"),
    ("collections-abc", "from collections import abc\na = abc.Callable", "forbidden"),
    ("collections-spec", "import collections\na = collections.__spec__", "forbidden"),
    ("dd-factory-print", "from collections import defaultdict\nd = defaultdict(print)", "forbidden"),
    ("dd-factory-torch", "from collections import defaultdict\nd = defaultdict(torch.ones)", "forbidden"),
    ("dd-factory-read", "from collections import defaultdict\na = defaultdict(list).default_factory", "forbidden"),
    ("dd-missing", "from collections import defaultdict\na = defaultdict(int).__missing__", "forbidden"),
    (
        "dd-factory-recursion",
        "from collections import defaultdict\ndef f():\n    return d[0]\nd = defaultdict(f)\nd[1]",
        "limit",
    ),
    (
        "dd-lambda-ok",
        "from collections import defaultdict\nd = defaultdict(lambda: [1])\nd['a'].append(2)\nprint(d)",
        "ok",
    ),
    ("counter-mro", "from collections import Counter\na = Counter().__class__.__mro__", "forbidden"),
    ("counter-huge", "from collections import Counter\nc = Counter(range(10**7))", "limit"),
    ("counter-elements-huge", "from collections import Counter\nb = Counter({'a': 10**9}).elements()", "limit"),
    ("pprint-globals", "from pprint import pprint\na = pprint.__globals__", "forbidden"),
    ("pprint-closure", "from pprint import pprint\na = pprint.__closure__", "forbidden"),
    ("pprint-stream", "import pprint\npprint.pprint(1, stream=print)", "forbidden"),
    ("pprint-printer", "import pprint\na = pprint.PrettyPrinter()", "forbidden"),
    # type() of a stand-in is the Python class it stands for: its module is the string 'builtins'.
    ("pprint-module-type", "import pprint\na = type(pprint.pprint).__module__", "ok"),
    ("pprint-deep", "a = []\nfor i in range(500):\n    a = [a]\nimport pprint\npprint.pprint(a)", "limit"),
    ("pprint-wide", "import pprint\npprint.pprint([1], indent=10**9)", "limit"),
    ("pprint-huge", "import pprint\npprint.pprint([list(range(1000))] * 1000)", "limit"),
    (
        "pprint-user-repr",
        "class A:\n    def __repr__(self):\n        return 'A!'\nimport pprint\npprint.pprint([A()])",
        "ok",
    ),
    ("nditer-class", ND + "a = it.__class__", "forbidden"),
    ("nditer-operands", ND + "a = it.operands", "forbidden"),
    ("nditer-itviews", ND + "a = it.itviews", "forbidden"),
    ("nditer-copy", ND + "a = it.copy()", "forbidden"),
    ("nditer-type-new", ND + "a = type(it)(np.zeros(2))", "forbidden"),
    ("nditer-not-array", "import numpy as np\nit = np.nditer([print])", "forbidden"),
    ("nditer-tensor", "import numpy as np\nit = np.nditer(torch.ones(2))", "forbidden"),
    ("nditer-refs-ok", "import numpy as np\nit = np.nditer(np.zeros(2), flags=['refs_ok'])", "forbidden"),
    ("nditer-buffered", "import numpy as np\nit = np.nditer(np.zeros(2), flags=['buffered'])", "forbidden"),
    ("with-array", "import numpy as np\nwith np.zeros(2) as a:\n    pass", "forbidden"),
    ("with-nditer-as-other", ND + "with it as (a, b):\n    pass", "runtime"),
    ("module-of-namespace", "a = torch.__module__", "runtime"),
    ("module-of-list", "a = [].__module__", "runtime"),
    ("module-of-str-class", "a = nn.Linear.__module__.__class__", "forbidden"),
    ("module-of-builtin", "a = print.__module__", "forbidden"),
    ("module-of-type-token", "a = type(print).__module__", "ok"),  # 'builtins', as in Python
    ("module-of-user-dict", "class A:\n    pass\na = A().__module__\nb = A.__dict__", "forbidden"),
    ("module-setattr", "class A:\n    pass\nA.__module__ = 'torch'", "forbidden"),
    ("name-of-offered", "import numpy as np\nprint(np.__name__, np.random.__name__, torch.nn.__name__)", "ok"),
    ("name-of-unoffered", "import os\na = os.__name__", "forbidden"),
    ("name-of-random-state", "import numpy as np\na = np.random.RandomState(0).__name__", "forbidden"),
    ("name-of-name", "a = torch.__name__.__class__", "forbidden"),
    (
        "groups-user-lr",
        OPT + "class A:\n    def __neg__(self):\n        return 1.0\no.param_groups[0]['lr'] = A()\no.step()",
        "forbidden",
    ),
    ("groups-fn-lr", OPT + "o.param_groups[0]['lr'] = print\no.step()", "forbidden"),
    ("groups-user-params", OPT + "class P:\n    pass\no.param_groups[0]['params'] = [P()]\no.zero_grad()", "forbidden"),
    (
        "groups-scheduler-user",
        OPT + "from torch.optim import lr_scheduler\ns = lr_scheduler.StepLR(o, 1)\nclass A:\n"
        "    def __mul__(self, k):\n        return 1.0\no.param_groups[0]['lr'] = A()\ns.step()",
        "forbidden",
    ),
    ("groups-number-lr", OPT + "o.param_groups[0]['lr'] = 0.5\nw.sum().backward()\no.step()\nprint(w)", "ok"),
]
CLASSES.extend(COURSE_MODULES)
