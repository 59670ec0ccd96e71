using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using ImgTrack.Inventory;

namespace ImgTrack.Input;

/// <summary>
/// Reads the objects users hold for the merge: ConvertFrom-Json's objects (members found as PowerShell finds them,
/// whatever their case), ConvertFrom-Json -AsHashtable's dictionaries (the exact key first, since labels that differ
/// only by case are two keys; then any case), Import-Csv rows and deserialized objects.
/// </summary>
internal sealed class PowerShellObjectAccess : IClusterObjectAccess<object?>
{
    public static PowerShellObjectAccess Instance { get; } = new();

    public bool TryGetMember(object? node, string name, out object? value)
    {
        switch (Unwrap(node, out var wrapper))
        {
            case IDictionary dictionary:
                return TryGetEntry(dictionary, name, out value);
            case null or string:
                value = null;
                return false;
            default:
                var property = (wrapper ?? PSObject.AsPSObject(node)).Properties[name];
                value = property?.Value;
                return property is not null;
        }
    }

    public string? AsString(object? node) => Unwrap(node, out _) as string;

    public bool TryGetItems(object? node, out IEnumerable<object?> items)
    {
        if (Unwrap(node, out _) is IEnumerable enumerable and not string and not IDictionary)
        {
            items = Items(enumerable);
            return true;
        }

        items = Array.Empty<object?>();
        return false;
    }

    /// <summary>The strings of a list member: a list, one <c>;</c>-joined cell, or one value.</summary>
    public static IEnumerable<string?>? Strings(object? value)
    {
        switch (Unwrap(value, out _))
        {
            case null:
                return null;
            case string text:
                return new[] { text };
            case IEnumerable<string> strings:
                return strings;
            case IEnumerable enumerable:
                var list = new List<string?>();
                foreach (var item in enumerable)
                {
                    list.Add(Unwrap(item, out _)?.ToString());
                }

                return list;
            default:
                return new[] { value!.ToString() };
        }
    }

    // A value as PowerShell holds it may be wrapped in a PSObject; a PSCustomObject is read through its wrapper.
    private static object? Unwrap(object? node, out PSObject? wrapper)
    {
        wrapper = node as PSObject;
        if (wrapper is null)
        {
            return node;
        }

        var baseObject = wrapper.BaseObject;
        return baseObject is PSCustomObject ? wrapper : baseObject;
    }

    private static bool TryGetEntry(IDictionary dictionary, string name, out object? value)
    {
        if (dictionary.Contains(name))
        {
            value = dictionary[name];
            return true;
        }

        foreach (DictionaryEntry entry in dictionary)
        {
            if (entry.Key is string key && string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                value = entry.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    private static IEnumerable<object?> Items(IEnumerable enumerable)
    {
        foreach (var item in enumerable)
        {
            yield return item;
        }
    }
}
