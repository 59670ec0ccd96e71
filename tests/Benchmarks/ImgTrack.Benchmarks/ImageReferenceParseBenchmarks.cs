using System;
using System.Collections.Generic;
using System.IO;
using BenchmarkDotNet.Attributes;

namespace ImgTrack.Benchmarks;

/// <summary>
/// ImageReference.Parse on a realistic mix of valid names (names.txt, which go/refbench reads too, so the Go anchor
/// measures the same names). Two cases: parse plus every property, so that no part's cost can hide behind laziness,
/// and TryParse alone, which is what Test-ImageReference does. Reported per name (OperationsPerInvoke).
/// compare.sh runs the first case beside Docker's Go parser and prints the ratio (the floor is 12x).
/// </summary>
[MemoryDiagnoser]
public class ImageReferenceParseBenchmarks
{
    /// <summary>Names per invocation, so results read per name; must match names.txt.</summary>
    public const int NameCount = 16;

    private string[] _names = Array.Empty<string>();

    [GlobalSetup]
    public void Setup()
    {
        _names = ReadNames();
        if (_names.Length != NameCount)
        {
            throw new InvalidOperationException($"NameCount is {NameCount} but names.txt has {_names.Length} names.");
        }
    }

    [Benchmark(OperationsPerInvoke = NameCount)]
    public int ParseAndReadEveryProperty()
    {
        var sum = 0;
        foreach (var name in _names)
        {
            var r = ImageReference.Parse(name);
            sum += r.Original.Length + r.Registry.Length + r.RegistryHost.Length + (r.Port ?? 0) + r.Repository.Length
                + (r.Tag?.Length ?? 0) + (r.Digest?.Length ?? 0) + r.FullName.Length + r.FamiliarName.Length + r.Reference.Length;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = NameCount)]
    public int TryParseOnly()
    {
        var valid = 0;
        foreach (var name in _names)
        {
            if (ImageReference.TryParse(name, out _))
            {
                valid++;
            }
        }

        return valid;
    }

    private static string[] ReadNames()
    {
        using var stream = typeof(ImageReferenceParseBenchmarks).Assembly.GetManifestResourceStream("ImgTrack.Benchmarks.names.txt")
            ?? throw new InvalidOperationException("names.txt is not embedded.");
        using var reader = new StreamReader(stream);
        var names = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            line = line.Trim();
            if (line.Length > 0 && line[0] != '#')
            {
                names.Add(line);
            }
        }

        return names.ToArray();
    }
}

/// <summary>1 MB inputs: a valid host name (only the path has a length limit) and invalid names; linear time.</summary>
[MemoryDiagnoser]
public class ImageReferenceLargeInputBenchmarks
{
    private const int OneMegabyte = 1 << 20;

    private readonly string _validHost = new string('a', OneMegabyte) + ".example:5000/team/app:1.0";
    private readonly string _invalidPath = new string('a', OneMegabyte);
    private readonly string _invalidSeparators = "a" + new string('-', OneMegabyte) + "_";

    /// <summary>Validation alone: one scan, no copy of the host.</summary>
    [Benchmark]
    public bool OneMegabyteValidHostTryParse() => ImageReference.TryParse(_validHost, out _);

    /// <summary>Validation plus the 1 MB RegistryHost string (a 2 MB copy on the large object heap).</summary>
    [Benchmark]
    public int OneMegabyteValidHost() => ImageReference.Parse(_validHost).RegistryHost.Length;

    [Benchmark]
    public bool OneMegabyteInvalidPath() => ImageReference.TryParse(_invalidPath, out _, out _);

    [Benchmark]
    public bool OneMegabyteInvalidSeparators() => ImageReference.TryParse(_invalidSeparators, out _, out _);
}
