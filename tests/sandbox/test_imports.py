"""Imports: offered modules bind, others bind a stand-in refused only where it is used."""

from __future__ import annotations

import pytest
from gradtrace import pipeline
from gradtrace.errors import GradtraceError

from tests.sandbox.real_python import real_outputs

# Imports real course code starts with, never used afterwards: the program runs.
UNUSED = [
    "import os\nimport sys\ny = torch.ones(2).sum()\nprint(y)",
    "from sklearn.datasets import make_moons\nimport pandas as pd\nprint(1)",
    "import torchvision\nimport torchvision.transforms as transforms\nprint(2)",
    "from tqdm import tqdm\nimport time\nprint(3)",
    "def never_called():\n    import os\n    return os.getcwd()\nprint(4)",
]


@pytest.mark.parametrize("source", UNUSED)
def test_an_unused_import_never_refuses_the_program(source: str) -> None:
    result = pipeline.run(source)
    assert result.stdout.strip().splitlines()[-1] in {"tensor(2.)", "1", "2", "3", "4"}


# (program, line of the first use, what the refusal says)
USED = [
    ("import os\nx = 1\nprint(os.getcwd())", 3, "gradtrace does not offer the module `os`"),
    ("import os\nx = 1\nprint(os.getcwd())", 3, "files, processes, the network and the system"),
    ("from sklearn.datasets import make_moons\nX, y = make_moons(100)", 2, "build the data with torch"),
    ("import pandas as pd\ndf = pd.DataFrame()", 2, "hold the data in tensors or lists"),
    ("from tqdm import tqdm\nfor i in tqdm(range(3)):\n    pass", 2, "loop over the iterable itself"),
    ("import torchvision\nds = torchvision.datasets.MNIST('.')", 2, "torch.rand(N, C, H, W)"),
    ("import numpy as np\na = np.linalg.inv(np.eye(2))", 2, "small numpy subset"),
    ("import numpy as np\na = np.ones(2)\nnp.save('a.npy', a)", 3, "small numpy subset"),
    ("import torch.hub\nm = torch.hub.load('a', 'b')", 2, "`torch.hub`"),
    ("from torch import hub\nm = hub.load('a', 'b')", 2, "`hub.load`"),
    ("import os\nt = torch.tensor(os)", 2, "cannot be given"),
]


@pytest.mark.parametrize(("source", "line", "text"), USED)
def test_the_first_use_is_refused_on_its_line_saying_what_to_write(source: str, line: int, text: str) -> None:
    with pytest.raises(GradtraceError) as info:
        pipeline.run(source)
    assert info.value.kind == "forbidden"
    assert info.value.line == line
    assert text in str(info.value)


NEVER = [
    ("import torch._C", "`import torch._C`"),
    ("from torch import _C", "`_C`"),
    ("from . import x", "no package"),
    ("from torch import *", "`import *`"),
    ("import numpy as _np", "`_np`"),
    ("import numpy as np\na = np._core", "`np._core`"),
]


@pytest.mark.parametrize(("source", "text"), NEVER)
def test_what_can_never_be_offered_is_refused_before_running(source: str, text: str) -> None:
    with pytest.raises(GradtraceError) as info:
        pipeline.run(source + "\nprint('ran')")
    assert info.value.kind == "forbidden" and text in str(info.value)


SPELLINGS = [
    "import torch.nn as nn\nimport torch.nn.functional as F\nprint(F.relu(torch.tensor([-1.0, 2.0])))",
    "from torch import nn, optim\nm = nn.Linear(2, 1)\no = optim.SGD(m.parameters(), lr=0.1)\nprint(m.weight.shape)",
    "import torch.optim as optim\nfrom torch.optim import lr_scheduler\nprint(lr_scheduler.StepLR)",
    "from torch.autograd import Variable, grad\nx = Variable(torch.ones(2), requires_grad=True)\n"
    "print(grad((x * x).sum(), x))",
    "import numpy\nprint(numpy.ones(3))",
    "from numpy import array, float32\nprint(array([1, 2], dtype=float32))",
    "from random import shuffle, seed\nseed(3)\na = [1, 2, 3, 4]\nshuffle(a)\nprint(a)",
    "import math, random\nrandom.seed(0)\nprint(math.floor(random.random() * 100))",
    "from torch.utils.data import TensorDataset\nprint(len(TensorDataset(torch.ones(3, 2))))",
    "import torch.utils.data as data\nprint(len(data.TensorDataset(torch.ones(4))))",
    "print(torch.__version__ == torch.__version__, torch.cuda.is_available())",
]


def test_import_spellings_give_what_real_python_gives() -> None:
    expected = real_outputs(SPELLINGS)
    for source, theirs in zip(SPELLINGS, expected, strict=True):
        assert pipeline.run(source).stdout == theirs, source


def test_plots_are_ignored_with_one_warning_naming_their_lines() -> None:
    source = (
        "import matplotlib.pyplot as plt\n"
        "losses = [1.0, 0.5]\n"
        "plt.plot(losses)\n"
        "fig, ax = plt.subplots(1, 2)\n"
        "ax[0].set_title('loss')\n"
        "plt.savefig('loss.png')\n"
        "plt.show()\n"
        "print(losses[-1])\n"
    )
    result = pipeline.run(source)
    assert result.stdout == "0.5\n"
    plot_warnings = [w for w in map(str, result.warnings) if "plots are not drawn" in w]
    assert plot_warnings == ["plots are not drawn: gradtrace ran the matplotlib calls as no-ops (lines 3, 4, 5, 6, 7)"]


def test_no_warning_when_pyplot_is_imported_but_not_called() -> None:
    result = pipeline.run("import matplotlib.pyplot as plt\nprint(1)")
    assert not [w for w in map(str, result.warnings) if "plots" in w]
