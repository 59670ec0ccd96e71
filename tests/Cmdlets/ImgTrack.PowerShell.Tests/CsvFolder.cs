using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.VisualBasic.FileIO;

namespace ImgTrack.PowerShell.Tests;

/// <summary>
/// A private temporary folder for the files the real <c>Export-Csv</c> writes in a test, deleted on dispose.
/// Files are read back with .NET's own CSV parser (<see cref="TextFieldParser"/>), not with PowerShell's
/// <c>Import-Csv</c>, so the assertions see exactly the header and the cell text that were written.
/// </summary>
internal sealed class CsvFolder : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("imgtrack-csv-");

    /// <summary>The folder's full path.</summary>
    public string Path => _folder.FullName;

    /// <summary>The full path of a file in the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(_folder.FullName, name);

    /// <summary>Reads a CSV file written in this folder.</summary>
    public CsvTable Read(string name) => CsvTable.Read(File(name));

    /// <inheritdoc />
    public void Dispose() => _folder.Delete(recursive: true);
}

/// <summary>A CSV file as written: its raw header line, its column names and its rows by column name.</summary>
internal sealed class CsvTable
{
    private CsvTable(string headerLine, string[] columns, IReadOnlyList<IReadOnlyDictionary<string, string>> rows)
    {
        HeaderLine = headerLine;
        Columns = columns;
        Rows = rows;
    }

    /// <summary>The first line of the file exactly as written.</summary>
    public string HeaderLine { get; }

    /// <summary>The column names, in file order.</summary>
    public string[] Columns { get; }

    /// <summary>The data rows, each cell by its column name.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Rows { get; }

    /// <summary>The only data row; fails when there is not exactly one.</summary>
    public IReadOnlyDictionary<string, string> SingleRow => Rows.Count == 1
        ? Rows[0]
        : throw new InvalidOperationException($"Expected one CSV row, found {Rows.Count}.");

    /// <summary>Parses a file written by Export-Csv.</summary>
    public static CsvTable Read(string path)
    {
        var headerLine = System.IO.File.ReadLines(path).First();
        using var parser = new TextFieldParser(path) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true, TrimWhiteSpace = false };
        parser.SetDelimiters(",");
        var columns = parser.ReadFields() ?? throw new InvalidOperationException($"{path} is empty.");
        var rows = new List<IReadOnlyDictionary<string, string>>();
        while (parser.ReadFields() is { } cells)
        {
            if (cells.Length != columns.Length)
            {
                throw new InvalidOperationException($"{path} row {rows.Count + 1}: {cells.Length} cells under {columns.Length} columns.");
            }

            rows.Add(columns.Zip(cells, (c, v) => (c, v)).ToDictionary(x => x.c, x => x.v, StringComparer.Ordinal));
        }

        return new CsvTable(headerLine, columns, rows);
    }
}
