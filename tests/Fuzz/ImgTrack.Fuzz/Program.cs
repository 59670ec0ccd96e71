using System;
using System.IO;
using System.Linq;
using SharpFuzz;

namespace ImgTrack.Fuzz;

/// <summary>
/// The AFL harnesses (issue 10). <c>dotnet ImgTrack.Fuzz.dll &lt;target&gt;</c> is what afl-fuzz starts: SharpFuzz's
/// out-of-process fork server, which reads each input from standard input and reports an escaping exception as a crash.
/// <c>dotnet ImgTrack.Fuzz.dll &lt;target&gt; --replay &lt;file&gt;…</c> runs saved inputs once, in this process, and
/// prints each one and what it threw.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var target = args.Length > 0 ? FuzzTarget.Find(args[0]) : null;
        if (target is null)
        {
            return Usage();
        }

        if (args.Length == 1)
        {
            // Out of process: a hang or a process-killing fault (stack overflow) costs one restarted child instead of the
            // whole fork server, so afl-fuzz records it as a hang or a crash and goes on. The child is started as
            // 'dotnet <Environment.CommandLine>', so this must itself run as 'dotnet ImgTrack.Fuzz.dll <target>'.
            Fuzzer.OutOfProcess.Run(stream => target.Check(ReadAll(stream)));
            return 0;
        }

        if (args.Length > 2 && args[1] == "--replay")
        {
            return Replay.Run(target, args.Skip(2));
        }

        return Usage();
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static int Usage()
    {
        Console.Error.WriteLine($"usage: dotnet ImgTrack.Fuzz.dll <{string.Join("|", FuzzTarget.All.Select(t => t.Name))}> [--replay <file>...]");
        return 2;
    }
}
