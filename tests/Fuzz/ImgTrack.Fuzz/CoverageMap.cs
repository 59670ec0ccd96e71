using System.Runtime.InteropServices;

namespace ImgTrack.Fuzz;

/// <summary>
/// The instrumented ImgTrack.Core.dll counts every branch in SharpFuzz's coverage map, which only SharpFuzz's
/// <c>Fuzzer.*.Run</c> sets up. A replay outside afl-fuzz gives it a private map so those writes have somewhere to go.
/// </summary>
internal static unsafe class CoverageMap
{
    // AFL's map size (MAP_SIZE, 64 KiB), which SharpFuzz's instrumentation indexes.
    private const int Size = 1 << 16;

    internal static void Attach()
    {
        if (SharpFuzz.Common.Trace.SharedMem == null)
        {
            SharpFuzz.Common.Trace.SharedMem = (byte*)NativeMemory.AllocZeroed(Size);
        }
    }
}
