package dev.microstore.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Rows printed as aligned columns under upper-case headers; the last column is not padded. */
final class TextTable {
  private final String[] headers;
  private final List<String[]> rows = new ArrayList<>();

  TextTable(String... headers) {
    this.headers = headers.clone();
  }

  TextTable add(String... cells) {
    if (cells.length != headers.length) {
      throw new IllegalArgumentException(
          "a row has " + cells.length + " cells, the table " + headers.length + " columns");
    }
    rows.add(cells.clone());
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  void print(PrintWriter out) {
    int[] widths = new int[headers.length];
    for (int c = 0; c < headers.length; c++) {
      widths[c] = width(headers[c]);
      for (String[] row : rows) {
        widths[c] = Math.max(widths[c], width(row[c]));
      }
    }
    printRow(out, headers, widths);
    for (String[] row : rows) {
      printRow(out, row, widths);
    }
  }

  private static void printRow(PrintWriter out, String[] cells, int[] widths) {
    StringBuilder sb = new StringBuilder();
    for (int c = 0; c < cells.length; c++) {
      sb.append(cells[c]);
      if (c < cells.length - 1) {
        sb.append(" ".repeat(widths[c] - width(cells[c]) + 2));
      }
    }
    out.println(sb.toString().stripTrailing());
  }

  private static int width(String s) {
    return s.codePointCount(0, s.length());
  }
}
