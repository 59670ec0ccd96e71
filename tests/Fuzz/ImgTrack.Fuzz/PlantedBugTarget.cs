using System;

namespace ImgTrack.Fuzz;

/// <summary>
/// <c>planted-bug</c>, the control: the <c>reference</c> checks plus a bug planted on purpose, an exception for any
/// reading that contains "@@". No reference seed does, and afl-fuzz finds one within a second, so a run of this
/// target that reports no crash, or a Fuzz task that does not fail on it, means the pipeline is broken: the
/// instrumentation, SharpFuzz's fork server, afl-fuzz's crash records or the task's verdict (tests/Pester/Fuzz.Tests.ps1).
/// </summary>
internal sealed class PlantedBugTarget : FuzzTarget
{
    internal override string Name => "planted-bug";

    protected override void CheckText(string text)
    {
        if (text.Contains("@@", StringComparison.Ordinal))
        {
            throw new PlantedBugException("the planted bug: a name that contains \"@@\"");
        }

        ReferenceTarget.CheckName(text);
    }
}

/// <summary>The planted bug's own exception, so a replay shows it was the plant that threw.</summary>
internal sealed class PlantedBugException : Exception
{
    public PlantedBugException(string message)
        : base(message)
    {
    }
}
