"""Chinese (any PEP 3131) names: programs that use them run, their names reach the answer unchanged, and
inputs are matched by the name Python reads (NFKC), so a compatibility spelling never hides a refused name."""

from __future__ import annotations

from typing import Any

import pytest
import torch
from fastapi.testclient import TestClient
from gradtrace import pipeline
from gradtrace.errors import GradtraceError

from tests.sandbox.helpers import run
from tests.sandbox.real_pytorch import assert_same_as_pytorch, run_in_pytorch

ASSIGNED = """
权重 = torch.tensor([1.0, 2.0], requires_grad=True)
输入 = torch.tensor([3.0, 4.0])
损失 = (权重 * 输入).sum()
损失.backward()
print(权重.grad)
"""
FREE = "损失 = (权重 * 输入).sum()\n损失.backward()\n"
# A model whose class, parameters, attributes, keyword arguments and f-string are all Chinese.
MODEL = """
class 两层网络(nn.Module):
    def __init__(self, 输入维度, 隐藏维度):
        super().__init__()
        self.隐藏层 = nn.Linear(输入维度, 隐藏维度)
        self.输出层 = nn.Linear(隐藏维度, 1)

    def forward(self, 输入):
        return self.输出层(torch.sigmoid(self.隐藏层(输入)))


torch.manual_seed(0)
模型 = 两层网络(输入维度=3, 隐藏维度=2)
数据 = torch.ones(4, 3)
损失 = 模型(数据).pow(2).mean()
损失.backward()
print(f"损失 = {损失.item():.4f}", 模型.隐藏层.weight.grad.shape)
"""


def real_pytorch_gradients() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The same computation in plain PyTorch: (loss, d loss/d 权重, d loss/d 输入)."""
    weight = torch.tensor([1.0, 2.0], requires_grad=True)
    given = torch.tensor([3.0, 4.0], requires_grad=True)
    loss = (weight * given).sum()
    weight_grad, given_grad = torch.autograd.grad(loss, (weight, given))
    return loss.detach(), weight_grad, given_grad


def nodes_by_name(graph: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {node["name"]: node for node in graph["nodes"] if node.get("name")}


def test_chinese_names_run_with_real_pytorch_values() -> None:
    loss, weight_grad, _ = real_pytorch_gradients()
    execution = run(ASSIGNED)
    assert list(execution.names) == ["权重", "输入", "损失"]
    assert torch.equal(execution.names["损失"], loss)
    assert torch.equal(execution.names["权重"].grad, weight_grad)
    assert execution.stdout == f"{weight_grad}\n"


def test_chinese_names_reach_variables_nodes_and_drawing() -> None:
    loss, weight_grad, _ = real_pytorch_gradients()
    result = pipeline.run(ASSIGNED)
    assert list(result.variables) == ["权重", "输入", "损失"]
    (graph,) = result.graphs
    names = {node.name: node for node in graph.graph.nodes if node.name}
    assert {"权重", "损失"} <= set(names)
    assert names["权重"].kind == "leaf"
    assert names["权重"].grad is not None and names["权重"].grad.values == weight_grad.tolist()
    assert names["损失"].value is not None and names["损失"].value.values == loss.item()
    assert ">权重<" in graph.svg and ">损失<" in graph.svg


def test_chinese_free_names_are_inputs_given_by_their_chinese_names(client: TestClient) -> None:
    loss, weight_grad, input_grad = real_pytorch_gradients()
    inputs = {"权重": [1.0, 2.0], "输入": [3.0, 4.0]}
    response = client.post("/api/graph", json={"code": FREE, "inputs": inputs})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["inputs"] == inputs
    assert body["warnings"] == []
    nodes = nodes_by_name(body["graphs"][0])
    assert nodes["权重"]["grad"] == weight_grad.tolist()
    assert nodes["输入"]["grad"] == input_grad.tolist()
    assert nodes["损失"]["value"] == loss.item()
    assert body["variables"]["损失"]["value"] == loss.item()


def test_an_input_name_is_read_as_python_reads_it() -> None:
    # The program's `ｘ` is the name `x` (NFKC), so the input given as `ｘ` is that same `x`.
    result = pipeline.run("y = (ｘ * 2).sum()\ny.backward()", {"ｘ": [1.0, 2.0]})
    assert result.inputs == {"x": [1.0, 2.0]}
    assert result.variables["x"].grad is not None and result.variables["x"].grad.values == [2.0, 2.0]


def test_an_input_given_twice_under_two_spellings_is_refused() -> None:
    with pytest.raises(GradtraceError) as caught:
        pipeline.run("y = x * 2", {"x": 1.0, "ｘ": 2.0})
    assert caught.value.kind == "request"
    assert caught.value.code == "request.input_twice"
    assert "`x`" in caught.value.message


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("a = ｅｖａｌ('1')", "`eval`"),  # full-width letters
        ("a = 𝐞𝐱𝐞𝐜('1')", "`exec`"),  # mathematical bold letters
        ("a = ().__ｃｌａｓｓ__", "__class__`"),
        ("a = torch.ｏｓ", "`torch.os`"),
        ("a = torch._Ｃ", "`torch._C`"),
        ("a = __ｉｍｐｏｒｔ__('os')", "`__import__`"),
    ],
)
def test_compatibility_spellings_of_refused_names_stay_refused(source: str, shown: str) -> None:
    with pytest.raises(GradtraceError) as caught:
        run(source)
    assert caught.value.kind == "forbidden"
    assert shown in caught.value.message


def test_a_model_with_chinese_names_matches_real_pytorch(tmp_path_factory: pytest.TempPathFactory) -> None:
    expected = run_in_pytorch({"model": "import torch\nfrom torch import nn\n" + MODEL}, tmp_path_factory.mktemp("zh"))
    assert_same_as_pytorch(MODEL, expected["model"])
    result = pipeline.run(MODEL)
    leaves = {node.name for node in result.graphs[0].graph.nodes if node.kind == "leaf"}
    assert leaves == {"模型.隐藏层.weight", "模型.隐藏层.bias", "模型.输出层.weight", "模型.输出层.bias"}
