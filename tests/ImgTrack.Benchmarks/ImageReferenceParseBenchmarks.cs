using System;
using BenchmarkDotNet.Attributes;

namespace ImgTrack.Benchmarks;

/// <summary>
/// ImageReference.Parse on a realistic mix of valid names, reading every property so that no part's cost can hide
/// behind laziness. Reported per name (OperationsPerInvoke). Target: about 150 ns per name; Docker's Go parser takes
/// about 2.2–2.6 µs and 7 allocations on these machines.
/// </summary>
[MemoryDiagnoser]
public class ImageReferenceParseBenchmarks
{
    private const string Digest = "sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c";

    private static readonly string[] s_names =
    {
        // familiar
        "nginx",
        "redis:7.2-alpine",
        "team/app",
        "bitnami/postgresql:16.1.0-debian-11-r15",
        // fully qualified on Docker Hub, and the legacy host
        "docker.io/library/ubuntu:22.04",
        "index.docker.io/library/busybox:1.36",
        // registries with and without ports
        "ghcr.io/org/service:v1.4.2",
        "quay.io/prometheus/node-exporter:v1.7.0",
        "127.0.0.1:5000/team/app:1.0",
        "registry.example.com:8443/platform/payments/api:2024.01.15",
        "localhost:5000/app",
        "[::1]:5000/app:dev",
        // digests, with and without a tag
        "nginx@" + Digest,
        "docker.io/library/nginx:1.25@" + Digest,
        "mcr.microsoft.com/dotnet/aspnet@" + Digest,
        // deep paths
        "gcr.io/my-project/team/sub-team/component/service:sha-4f2a9c1",
    };

    /// <summary>Names per invocation, so results read per name.</summary>
    public const int NameCount = 16;

    [GlobalSetup]
    public void Setup()
    {
        if (s_names.Length != NameCount)
        {
            throw new InvalidOperationException("NameCount must match the name list.");
        }
    }

    [Benchmark(OperationsPerInvoke = NameCount)]
    public int ParseAndReadEveryProperty()
    {
        var sum = 0;
        foreach (var name in s_names)
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
        foreach (var name in s_names)
        {
            if (ImageReference.TryParse(name, out _))
            {
                valid++;
            }
        }

        return valid;
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
