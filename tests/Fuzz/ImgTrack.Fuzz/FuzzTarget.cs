using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;

namespace ImgTrack.Fuzz;

/// <summary>
/// One fuzz target: the checks run on every input. An input is bytes; each target reads them as text three ways, so
/// every UTF-16 code unit the parser can be given is reachable, not only what valid UTF-8 decodes to.
/// </summary>
internal abstract class FuzzTarget
{
    private static readonly Encoding s_utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    internal static IReadOnlyList<FuzzTarget> All { get; } = new FuzzTarget[] { new ReferenceTarget(), new TrackingKeyTarget(), new PlantedBugTarget() };

    /// <summary>The name build.ps1 and afl-fuzz's command line use.</summary>
    internal abstract string Name { get; }

    internal static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);

    /// <summary>Runs the checks on each reading of <paramref name="input"/>; a broken rule throws.</summary>
    internal void Check(byte[] input)
    {
        foreach (var text in Readings(input))
        {
            CheckText(text);
        }
    }

    /// <summary>
    /// UTF-8 as names arrive from files, pipes and engines (invalid bytes become U+FFFD); Latin-1, one char per byte,
    /// so U+0080–U+00FF and control characters need no valid encoding; and the bytes as UTF-16 code units, which reach
    /// every char, lone surrogates included. Equal readings (plain ASCII is the same in the first two) run once.
    /// </summary>
    internal static IEnumerable<string> Readings(byte[] input)
    {
        var utf8 = s_utf8.GetString(input);
        yield return utf8;

        var latin1 = Encoding.Latin1.GetString(input);
        if (latin1 != utf8)
        {
            yield return latin1;
        }

        yield return new string(MemoryMarshal.Cast<byte, char>(input.AsSpan(0, input.Length & ~1)));
    }

    /// <summary>The checks on one string.</summary>
    protected abstract void CheckText(string text);

    /// <summary>Throws <see cref="InvariantViolationException"/> naming the rule and the input when the rule is broken.</summary>
    protected static void Expect(bool holds, string rule, string text)
    {
        if (!holds)
        {
            throw new InvariantViolationException($"{rule}; input {Escaping.Escape(text)}");
        }
    }
}
