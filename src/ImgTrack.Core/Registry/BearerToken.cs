using System;
using System.Diagnostics;

namespace ImgTrack.Registry;

/// <summary>An access token and when to stop using it.</summary>
internal sealed class BearerToken
{
    private readonly Stopwatch _age = Stopwatch.StartNew();
    private readonly TimeSpan _lifetime;

    public BearerToken(string value, TimeSpan lifetime)
    {
        Value = value;

        // A little early, so a token never expires in flight.
        _lifetime = lifetime > TimeSpan.FromSeconds(20) ? lifetime - TimeSpan.FromSeconds(10) : lifetime;
    }

    public string Value { get; }

    public bool Expired => _age.Elapsed >= _lifetime;
}
