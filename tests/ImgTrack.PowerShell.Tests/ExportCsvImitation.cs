using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace ImgTrack.PowerShell.Tests;

/// <summary>
/// What Export-Csv does to each object, for a hosted engine that has no Microsoft.PowerShell.Utility module.
/// Mirrors ExportCsvHelper in PowerShell's CsvCommands.cs: the column names are the object's properties in
/// member order (extended, then adapted), and each cell is <c>property.Value.ToString()</c>, empty for null.
/// The delegates are handed into the runspace and called from script, so they run on the pipeline thread as
/// Export-Csv does, with that runspace's type table and culture.
/// </summary>
internal static class ExportCsvImitation
{
    /// <summary>The header Export-Csv writes for an object.</summary>
    public static readonly Func<PSObject, string[]> Columns = obj => obj.Properties.Select(p => p.Name).ToArray();

    /// <summary>The cells Export-Csv writes for an object, in <see cref="Columns"/> order.</summary>
    public static readonly Func<PSObject, string[]> Cells = obj => obj.Properties.Select(Cell).ToArray();

    private static string Cell(PSPropertyInfo property)
    {
        try
        {
            // Exactly GetToStringValueForProperty: object.ToString(), which for a PSObject value (a deserialized
            // list, say) is PSObject.ToString() with its type-table ToString or $OFS-joined enumeration.
            return property.Value?.ToString() ?? string.Empty;
        }
        catch (GetValueException)
        {
            return string.Empty;
        }
    }

    /// <summary>Pairs the header with the cells of one row.</summary>
    public static IReadOnlyDictionary<string, string> Row(string[] columns, string[] cells) =>
        columns.Zip(cells, (c, v) => (c, v)).ToDictionary(x => x.c, x => x.v, StringComparer.Ordinal);
}
