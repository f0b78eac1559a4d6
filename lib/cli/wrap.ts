// Terminal-width line breaking for the CLI's output on a TTY.

/**
 * Breaks a line longer than `width` at spaces, continuing with a two-space
 * indent, so a terminal never wraps it in the middle of a number. A word
 * longer than the width is left whole.
 */
export function wrapLine(line: string, width: number): string {
  if (line.length <= width || !line.includes(' ')) return line;
  const out: string[] = [];
  let rest = line;
  let indent = '';
  while (indent.length + rest.length > width) {
    const room = width - indent.length;
    let cut = rest.lastIndexOf(' ', room);
    if (cut <= 0) cut = rest.indexOf(' ', room);
    if (cut <= 0) break;
    out.push(indent + rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut + 1).trimStart();
    indent = '  ';
  }
  out.push(indent + rest);
  return out.join('\n');
}
