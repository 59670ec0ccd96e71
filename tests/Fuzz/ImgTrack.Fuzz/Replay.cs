using System;
using System.Collections.Generic;
using System.IO;

namespace ImgTrack.Fuzz;

/// <summary>
/// Runs saved inputs (afl-fuzz's crashes and hangs, or any file) once each, in this process, and prints each input
/// and what it threw, with the stack trace. Exit code 1 when any input threw.
/// </summary>
internal static class Replay
{
    internal static int Run(FuzzTarget target, IEnumerable<string> files)
    {
        CoverageMap.Attach();
        var failed = 0;
        foreach (var file in files)
        {
            var input = File.ReadAllBytes(file);
            Console.WriteLine($"{target.Name} input {Path.GetFileName(file)} ({input.Length} bytes): {Escaping.Escape(input)}");
            try
            {
                target.Check(input);
                Console.WriteLine("  passes: no exception, no broken rule");
            }
            catch (Exception e)
            {
                failed++;
                Console.WriteLine("  " + e.ToString().Replace("\n", "\n  ", StringComparison.Ordinal));
            }
        }

        return failed == 0 ? 0 : 1;
    }
}
