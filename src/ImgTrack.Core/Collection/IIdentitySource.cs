using System.Threading;
using System.Threading.Tasks;

namespace ImgTrack.Collection;

/// <summary>
/// A source of identity that <see cref="IdentityPipeline"/> asks about one input at a time: an engine
/// (<see cref="ImageIdentityCollector"/>) or a registry (<see cref="RegistryIdentityCollector"/>). Implementations are
/// called concurrently, turn every per-input failure into an <see cref="IdentityOutcome"/>, and let only run-ending
/// failures (a dead engine, cancellation) propagate.
/// </summary>
public interface IIdentitySource
{
    /// <summary>Resolves one valid classified input (a name or an image ID; never <see cref="ImageInputKind.Invalid"/>).</summary>
    Task<IdentityOutcome> ResolveAsync(ImageInput input, CancellationToken cancellationToken);
}
