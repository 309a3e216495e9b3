// Folded runs: the API draws a long run of one op as its ends and one dashed box, and lists the
// box's steps in `graph.folds`. Here a fold becomes something the inspector can show, and the
// node count says how many nodes that box stands for.

import { t, tn } from "./i18n.js";

/** The inspector's view of one fold: its steps (data-flow order) and what they share. */
export function foldItem(fold, nodesById) {
  const steps = fold.nodes.map((id) => nodesById.get(id)).filter(Boolean);
  const names = new Set(steps.map((step) => step.name ?? null));
  const shapes = new Set(steps.map((step) => JSON.stringify(step.shape ?? null)));
  const dtypes = new Set(steps.map((step) => step.dtype ?? null));
  return {
    id: fold.id,
    kind: "fold",
    op: fold.op,
    steps,
    // Like the drawn box: a name or shape only when every step has the same one.
    name: names.size === 1 ? [...names][0] : null,
    shape: shapes.size === 1 ? JSON.parse([...shapes][0]) : null,
    dtype: dtypes.size === 1 ? [...dtypes][0] : null,
    line: steps[0]?.line ?? null,
  };
}

/** "1,002 nodes, 994 drawn folded": every node of the graph, and how many sit inside fold boxes. */
export function nodeCountText(graph) {
  const total = graph.nodes.length;
  const folded = (graph.folds ?? []).reduce((sum, fold) => sum + fold.nodes.length, 0);
  const nodes = tn("{n} node", "{n} nodes", total);
  return folded ? t("{nodes}, {folded} drawn folded", { nodes, folded: folded.toLocaleString("en-US") }) : nodes;
}
