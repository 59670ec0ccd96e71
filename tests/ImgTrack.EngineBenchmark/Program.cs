using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation.Runspaces;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Tests;

namespace ImgTrack.EngineBenchmark;

/// <summary>
/// Issue 3's speed check, in one run: a private dockerd 20.10 with N images (default 1,000), then
/// <c>Get-ImageIdentity -All</c> in a hosted PowerShell 7.6 engine (staged module imported beforehand, one warm-up run)
/// against <c>docker image inspect $(docker images -q)</c> and against a loop of one <c>docker image inspect</c> per
/// image (a sample, extrapolated), plus the engine's own floor (raw HTTP over the socket) and peak memory.
/// Options: <c>--images N</c>, <c>--runs N</c>, <c>--throttle 1,2,4,8,16</c>, <c>--loop-sample N</c>.
/// </summary>
internal static class Program
{
    // GetImageIdentityCommand.DefaultThrottleLimit (not referenced: this program only talks to the staged module).
    private const int DefaultThrottleLimit = 64;

    private static int Main(string[] args)
    {
        var options = Options.Parse(args);
        var unavailable = EngineAvailability.WhyUnavailable();
        if (unavailable is not null)
        {
            Console.Error.WriteLine("benchmark: " + unavailable);
            return 2;
        }

        Console.WriteLine($"ImgTrack engine benchmark: {options.Images} images, {options.Runs} timed runs each (median and best), {Environment.ProcessorCount} CPUs");
        using var engine = new DockerEngineFixture();
        Console.WriteLine($"engine: dockerd {engine.Docker("version", "--format", "{{.Server.Version}} (API {{.Server.APIVersion}})")}, CLI {engine.Docker("version", "--format", "{{.Client.Version}}")}, {engine.DockerHost}");

        var create = Stopwatch.StartNew();
        CreateImages(engine, options.Images);
        var ids = engine.Docker("images", "--quiet", "--no-trunc").Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
        Console.WriteLine($"created {ids.Count} images with one docker load in {create.Elapsed.TotalSeconds:F1} s");
        if (ids.Count != options.Images)
        {
            Console.Error.WriteLine($"benchmark: expected {options.Images} images, the engine has {ids.Count}");
            return 1;
        }

        var results = new List<(string What, Timing Time)>();
        using (var runspace = OpenRunspace())
        {
            ResetPeakMemory();
            var before = CurrentRss();
            var warmUp = Stopwatch.StartNew();
            var count = RunAll(runspace, engine.DockerHost, DefaultThrottleLimit, stream: true);
            Console.WriteLine($"warm-up: Get-ImageIdentity -All gave {count} objects in {warmUp.Elapsed.TotalMilliseconds:F0} ms");
            if (count != ids.Count)
            {
                Console.Error.WriteLine($"benchmark: Get-ImageIdentity -All gave {count} objects for {ids.Count} images");
                return 1;
            }

            foreach (var throttle in options.Throttles)
            {
                var timing = Timing.Of(options.Runs, () => RunAll(runspace, engine.DockerHost, throttle, stream: true));
                results.Add(($"Get-ImageIdentity -All -ThrottleLimit {throttle}", timing));
                Console.WriteLine($"  Get-ImageIdentity -All -ThrottleLimit {throttle,2}: {timing}");
            }

            // Where the time goes: the engine client alone (the module's own IImageEngine, Docker.DotNet underneath,
            // reached through PowerShell since this program must not reference our assemblies), one inspect after
            // another; and what PowerShell's pipeline costs per object.
            var clientAlone = Timing.Of(options.Runs, () => RunScript(runspace, ClientLoopScript, engine.DockerHost));
            Console.WriteLine($"  engine client alone (ImageEngineFactory.Create + {ids.Count} InspectImageAsync one after another, from a PowerShell loop): {clientAlone}");
            var clientBurst = Timing.Of(options.Runs, () => RunScript(runspace, ClientBurstScript, engine.DockerHost));
            Console.WriteLine($"  engine client alone, all {ids.Count} InspectImageAsync started at once (no throttle, no identity building): {clientBurst}");
            var pipelineOnly = Timing.Of(options.Runs, () => RunScript(runspace, "$n = 0; 1..$args[1] | ForEach-Object { $n++ }; $n", engine.DockerHost, ids.Count));
            Console.WriteLine($"  PowerShell alone: {ids.Count} objects through | ForEach-Object {{ $n++ }}: {pipelineOnly}");

            var streamingPeak = PeakRss();
            ResetPeakMemory();
            var collectedBefore = CurrentRss();
            var collected = Timing.Of(1, () => RunAll(runspace, engine.DockerHost, DefaultThrottleLimit, stream: false));
            var collectingPeak = PeakRss();
            Console.WriteLine($"memory (whole process, PowerShell engine included): {Mb(before)} before; peak {Mb(streamingPeak)} while streaming -All to the pipeline ({options.Runs * options.Throttles.Count + 1} runs); "
                + $"peak {Mb(collectingPeak)} (from {Mb(collectedBefore)}) when a script keeps all {count} objects ($x = Get-ImageIdentity -All, {collected.Median:F0} ms)");
        }

        var cli = Timing.Of(options.Runs, () => Shell(engine, "docker image inspect $(docker images -q) > /dev/null"));
        results.Add(("docker image inspect $(docker images -q)", cli));
        Console.WriteLine($"  docker image inspect $(docker images -q): {cli}");

        var sample = ids.Take(options.LoopSample).ToList();
        var loopScript = "for id in " + string.Join(' ', sample.Select(id => id.Substring(7, 12))) + "; do docker image inspect $id > /dev/null; done";
        var loopSample = Timing.Of(1, () => Shell(engine, loopScript));
        var loop = loopSample.Median * ids.Count / sample.Count;
        Console.WriteLine($"  loop of docker image inspect, one per image: {loopSample.Median:F0} ms for a sample of {sample.Count} -> {loop:F0} ms extrapolated to {ids.Count}");

        foreach (var concurrency in new[] { 1, 8, 32 })
        {
            var floor = Timing.Of(options.Runs, () => RawHttpAll(engine.DockerHost, concurrency).GetAwaiter().GetResult());
            Console.WriteLine($"  engine floor: raw HTTP list + {ids.Count} inspects, {concurrency,2} at a time, pooled connections, no client library: {floor}");
        }

        Console.WriteLine($"  load average during the run: {File.ReadAllText("/proc/loadavg").Trim()}");

        var best = results.Where(r => r.What.StartsWith("Get-ImageIdentity", StringComparison.Ordinal)).OrderBy(r => r.Time.Median).First();
        var ours = results.First(r => r.What.EndsWith($"-ThrottleLimit {DefaultThrottleLimit}", StringComparison.Ordinal)).Time.Median;
        Console.WriteLine();
        Console.WriteLine($"Get-ImageIdentity -All (default ThrottleLimit {DefaultThrottleLimit}): {ours:F0} ms; best: {best.What} {best.Time.Median:F0} ms");
        Console.WriteLine($"  vs docker image inspect $(docker images -q) {cli.Median:F0} ms: {ours / cli.Median:P0} of its time (target <= 50%): {(ours <= cli.Median / 2 ? "met" : "NOT met")}");
        Console.WriteLine($"  vs a loop of docker image inspect ~{loop:F0} ms: {loop / ours:F0}x faster (target >= 100x): {(loop / ours >= 100 ? "met" : "NOT met")}");
        return 0;
    }

    // One docker load of a generated archive: every image shares one tiny layer and has a config of its own (a
    // distinct label), so each is a distinct image ID. Much faster than N docker imports, each of which unpacks a layer.
    private static void CreateImages(DockerEngineFixture engine, int count)
    {
        var archive = Path.Combine(engine.Directory, "bench-images.tar");
        using (var file = File.Create(archive))
        using (var tar = new TarWriter(file, TarEntryFormat.Pax))
        {
            var layer = LayerTar();
            var diffId = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(layer));
            AddFile(tar, "layer/layer.tar", layer);
            var manifest = new List<object>();
            for (var i = 0; i < count; i++)
            {
                var config = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
                {
                    ["architecture"] = "amd64",
                    ["os"] = "linux",
                    ["created"] = "2026-01-01T00:00:00Z",
                    ["config"] = new Dictionary<string, object> { ["Labels"] = new Dictionary<string, string> { ["imgtrack.benchmark"] = i.ToString(CultureInfo.InvariantCulture) } },
                    ["rootfs"] = new Dictionary<string, object> { ["type"] = "layers", ["diff_ids"] = new[] { diffId } },
                    ["history"] = new[] { new Dictionary<string, string> { ["created"] = "2026-01-01T00:00:00Z", ["created_by"] = "ImgTrack.EngineBenchmark" } },
                });
                var configName = Convert.ToHexStringLower(SHA256.HashData(config)) + ".json";
                AddFile(tar, configName, config);
                manifest.Add(new Dictionary<string, object>
                {
                    ["Config"] = configName,
                    ["RepoTags"] = new[] { $"bench/img-{i:D4}:1" },
                    ["Layers"] = new[] { "layer/layer.tar" },
                });
            }

            AddFile(tar, "manifest.json", JsonSerializer.SerializeToUtf8Bytes(manifest));
        }

        engine.Docker("load", "--quiet", "--input", archive);
        File.Delete(archive);
    }

    private static byte[] LayerTar()
    {
        using var layer = new MemoryStream();
        using (var tar = new TarWriter(layer, TarEntryFormat.Pax, leaveOpen: true))
        {
            AddFile(tar, "imgtrack-benchmark.txt", Encoding.UTF8.GetBytes("ImgTrack benchmark layer\n"));
        }

        return layer.ToArray();
    }

    private static void AddFile(TarWriter tar, string name, byte[] content)
    {
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = new MemoryStream(content),
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            ModificationTime = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        });
    }

    private static Runspace OpenRunspace()
    {
        var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddCommand("Import-Module").AddParameter("Name", RepositoryPaths.StagedManifest).AddParameter("ErrorAction", "Stop").Invoke();
        return runspace;
    }

    // stream: objects go down the pipeline and are dropped as they come (what | Export-Csv does);
    // else the script keeps them all ($x = Get-ImageIdentity -All).
    private static int RunAll(Runspace runspace, string dockerHost, int throttle, bool stream)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript(stream
            ? "$n = 0; Get-ImageIdentity -All -DockerHost $args[0] -ThrottleLimit $args[1] -WarningAction SilentlyContinue | ForEach-Object { $n++ }; $n"
            : "$x = Get-ImageIdentity -All -DockerHost $args[0] -ThrottleLimit $args[1] -WarningAction SilentlyContinue; $x.Count");
        ps.AddArgument(dockerHost).AddArgument(throttle);
        var output = ps.Invoke();
        if (ps.HadErrors)
        {
            throw new InvalidOperationException("Get-ImageIdentity failed: " + string.Join("; ", ps.Streams.Error));
        }

        return (int)output.Single().BaseObject;
    }

    private const string ClientLoopScript = @"
        $engine = [ImgTrack.Engine.ImageEngineFactory]::Create($args[0])
        try {
            $none = [System.Threading.CancellationToken]::None
            $ids = $engine.ListImagesAsync($none).GetAwaiter().GetResult() | ForEach-Object Id
            $n = 0
            foreach ($id in $ids) { if ($engine.InspectImageAsync($id, $none).GetAwaiter().GetResult()) { $n++ } }
            $n
        } finally { $engine.Dispose() }";

    private const string ClientBurstScript = @"
        $engine = [ImgTrack.Engine.ImageEngineFactory]::Create($args[0])
        try {
            $none = [System.Threading.CancellationToken]::None
            $ids = $engine.ListImagesAsync($none).GetAwaiter().GetResult() | ForEach-Object Id
            [System.Threading.Tasks.Task[]] $tasks = foreach ($id in $ids) { $engine.InspectImageAsync($id, $none) }
            [System.Threading.Tasks.Task]::WaitAll($tasks)
            $tasks.Count
        } finally { $engine.Dispose() }";

    private static int RunScript(Runspace runspace, string script, params object[] args)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript(script);
        foreach (var arg in args)
        {
            ps.AddArgument(arg);
        }

        var output = ps.Invoke();
        if (ps.HadErrors)
        {
            throw new InvalidOperationException("Script failed: " + string.Join("; ", ps.Streams.Error));
        }

        return Convert.ToInt32(output.Last().BaseObject, CultureInfo.InvariantCulture);
    }

    private static int Shell(DockerEngineFixture engine, string script)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.Environment["DOCKER_HOST"] = engine.DockerHost;
        start.Environment["DOCKER_CONFIG"] = Path.Combine(engine.Directory, "cli");
        start.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{script[..Math.Min(80, script.Length)]}…' failed: {error}");
        }

        return 0;
    }

    // What the engine itself can serve: list + every inspect over the unix socket, 8 at a time, with a bare HttpClient.
    private static async Task<int> RawHttpAll(string dockerHost, int concurrency)
    {
        var socketPath = dockerHost.Substring("unix://".Length);
        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, token) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), token);
                return new NetworkStream(socket, ownsSocket: true);
            },
        });
        using var list = JsonDocument.Parse(await http.GetStringAsync("http://engine/images/json"));
        var ids = list.RootElement.EnumerateArray().Select(e => e.GetProperty("Id").GetString()!).ToList();
        using var gate = new SemaphoreSlim(concurrency);
        var tasks = ids.Select(async id =>
        {
            await gate.WaitAsync();
            try
            {
                using var doc = JsonDocument.Parse(await http.GetStringAsync("http://engine/images/" + id + "/json"));
                return doc.RootElement.GetProperty("Os").GetString();
            }
            finally
            {
                gate.Release();
            }
        });
        return (await Task.WhenAll(tasks)).Length;
    }

    // Linux: writing 5 to clear_refs resets the peak resident set (VmHWM), so each phase's peak can be read alone.
    private static void ResetPeakMemory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        File.WriteAllText("/proc/self/clear_refs", "5");
    }

    private static long PeakRss() => StatusKb("VmHWM:") * 1024;

    private static long CurrentRss() => StatusKb("VmRSS:") * 1024;

    private static long StatusKb(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line.Substring(field.Length).Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private static string Mb(long bytes) => $"{bytes / 1048576.0:F0} MB";

    private sealed record Options(int Images, int Runs, IReadOnlyList<int> Throttles, int LoopSample)
    {
        public static Options Parse(string[] args)
        {
            var images = 1000;
            var runs = 5;
            var loopSample = 100;
            IReadOnlyList<int> throttles = new[] { 1, 4, 8, 16, 32, 64 };
            for (var i = 0; i + 1 < args.Length; i += 2)
            {
                switch (args[i])
                {
                    case "--images": images = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                    case "--runs": runs = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                    case "--loop-sample": loopSample = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                    case "--throttle": throttles = args[i + 1].Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray(); break;
                    default: throw new ArgumentException("Unknown option " + args[i]);
                }
            }

            if (!throttles.Contains(DefaultThrottleLimit))
            {
                throttles = throttles.Append(DefaultThrottleLimit).ToArray(); // the default is always measured
            }

            return new Options(images, runs, throttles, Math.Min(loopSample, images));
        }
    }

    private sealed record Timing(double Median, double Best)
    {
        public static Timing Of(int runs, Func<int> action)
        {
            var times = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                var watch = Stopwatch.StartNew();
                action();
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            return new Timing(times[times.Count / 2], times[0]);
        }

        public override string ToString() => $"median {Median:F0} ms, best {Best:F0} ms";
    }
}
