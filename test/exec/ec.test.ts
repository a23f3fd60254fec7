import { describe, expect, test } from "bun:test";
import { ecAccepts, parseEc } from "../../src/exec/ec.ts";

/** Every exit code 0..255 the range accepts. */
function accepted(text: string): number[] {
  const ec = parseEc(text);
  return Array.from({ length: 256 }, (_, i) => i).filter((s) => ecAccepts(ec, s));
}

const span = (min: number, max: number) => Array.from({ length: max - min + 1 }, (_, i) => min + i);

describe("ec grammar (SPEC section 2)", () => {
  test.each([
    ["==0", [0]],
    ["0", [0]],
    ["1", [1]],
    ["==255", [255]],
    ["0-1", [0, 1]],
    ["3-3", [3]],
    ["0-255", span(0, 255)],
    ["<2", [0, 1]],
    ["<=2", [0, 1, 2]],
    [">253", [254, 255]],
    [">=253", [253, 254, 255]],
    [">=0", span(0, 255)],
    // PALHM's comparators admit the codes of 0..255 they cover: "<256" is every code.
    ["<256", span(0, 255)],
    ["<=1000", span(0, 255)],
    [" >= 0", span(0, 255)],
  ] as [string, number[]][])("%p accepts exactly %j", (text, codes) => {
    expect(accepted(text)).toEqual(codes);
  });

  test.each([
    ["5-2", 'empty exit code range "5-2"'],
    ["<0", 'empty exit code range "<0"'],
    [">255", 'empty exit code range ">255"'],
    ["256", 'exit code 256 out of 0..255 in "256"'],
    [">=256", 'empty exit code range ">=256" (exit codes are 0..255)'],
    ["0-300", 'exit code 300 out of 0..255 in "0-300"'],
    ["", 'invalid exit code range ""'],
    ["!=0", 'invalid exit code range "!=0"'],
    ["=<1", 'invalid exit code range "=<1"'],
    ["-1", 'invalid exit code range "-1"'],
    ["1.5", 'invalid exit code range "1.5"'],
    ["0-", 'invalid exit code range "0-"'],
    ["abc", 'invalid exit code range "abc"'],
  ])("%p is refused: %s", (text, message) => {
    expect(() => parseEc(text)).toThrow(message);
  });
});
