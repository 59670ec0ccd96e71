using System;

namespace ImgTrack.Engine;

/// <summary>The endpoint answered, but not as the Docker engine API documents: not HTTP, not JSON, or JSON without the
/// documented fields. The message says which, in plain words, and names the endpoint and the request; the raw
/// exception is kept as the inner exception only. It ends the run: an endpoint that is not an engine (a registry or web
/// server's port, a broken proxy) would fail every other request the same way.</summary>
public class EngineProtocolException : EngineRequestException
{
    /// <summary>Creates the exception.</summary>
    public EngineProtocolException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public EngineProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public EngineProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
