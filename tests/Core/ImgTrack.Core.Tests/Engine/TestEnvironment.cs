using System;
using System.Collections.Generic;
using ImgTrack.Engine;

namespace ImgTrack.Core.Tests.Engine;

/// <summary>An <see cref="EngineEnvironment"/> made of a dictionary, a home folder and a platform.</summary>
internal static class TestEnvironment
{
    public static EngineEnvironment Of(string home, bool isWindows = false, params (string Name, string Value)[] variables)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in variables)
        {
            values[name] = value;
        }

        return new EngineEnvironment(name => values.TryGetValue(name, out var value) ? value : null, home, isWindows);
    }
}
