using System;

namespace ImgTrack.Fuzz;

/// <summary>
/// A documented rule broken without any exception from the product (TryParse disagrees with Parse, a key that is not
/// its own key, …). Its own type, so afl-fuzz records it as a crash and a replay names it apart from product exceptions.
/// </summary>
internal sealed class InvariantViolationException : Exception
{
    public InvariantViolationException(string message)
        : base(message)
    {
    }
}
