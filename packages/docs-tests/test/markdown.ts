// Extracts the ```ts blocks of a Markdown page with what the runner needs: heading, attributes, setup, file name.

export interface CodeBlock {
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The heading the block sits under. */
  readonly heading: string;
  readonly code: string;
  /** `no-run <reason>`: shown to readers, not executed; the reason says why. */
  readonly skipReason: string | undefined;
  /** A `// name.ts` first line: the block is a module other blocks import as "./name.js". */
  readonly file: string | undefined;
  /** Code from a `<!-- setup: … -->` comment right above the fence, run first and hidden from readers. */
  readonly setup: string;
}

const FENCE = /^```ts(?:\s+(.*))?$/;

/** Every ```ts block (```ts no-run … included, marked). Other languages are left alone. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split("\n");
  const blocks: CodeBlock[] = [];
  let heading = "(top)";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (/^#{1,6} /.test(line)) heading = line.replace(/^#+ /, "").trim();
    const fence = FENCE.exec(line.trimEnd());
    if (!fence) continue;
    const end = lines.findIndex((l, j) => j > i && l.trimEnd() === "```");
    if (end < 0) throw new Error(`unclosed \`\`\`ts block at line ${i + 1}`);
    const code = lines.slice(i + 1, end).join("\n");
    const attrs = (fence[1] ?? "").trim();
    let skipReason: string | undefined;
    if (attrs.startsWith("no-run")) {
      skipReason = attrs.slice("no-run".length).trim();
      if (skipReason === "")
        throw new Error(`\`\`\`ts no-run at line ${i + 1} needs a reason: \`\`\`ts no-run <why it cannot run>`);
    } else if (attrs !== "") {
      throw new Error(
        `unknown attributes "${attrs}" on the \`\`\`ts block at line ${i + 1}; use \`\`\`ts or \`\`\`ts no-run <reason>`,
      );
    }
    const first = code.split("\n")[0] ?? "";
    const file = /^\/\/\s*([\w.-]+)\.ts\b/.exec(first)?.[1];
    blocks.push({ line: i + 1, heading, code, skipReason, file, setup: setupAbove(lines, i) });
    i = end;
  }
  return blocks;
}

/** The `<!-- setup: … -->` comment (possibly several lines) ending on the line above the fence. */
function setupAbove(lines: readonly string[], fenceIndex: number): string {
  let j = fenceIndex - 1;
  if (j < 0 || !(lines[j] as string).trimEnd().endsWith("-->")) return "";
  const end = j;
  while (j >= 0 && !(lines[j] as string).includes("<!--")) j--;
  if (j < 0) return "";
  const text = lines.slice(j, end + 1).join("\n");
  const match = /<!--\s*setup:\s*([\s\S]*?)-->/.exec(text);
  return match ? (match[1] as string).trim() : "";
}
