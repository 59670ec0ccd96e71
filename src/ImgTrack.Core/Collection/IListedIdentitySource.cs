using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Engine;

namespace ImgTrack.Collection;

/// <summary>A source that also holds images of its own and can list them (<c>-All</c>): an engine.</summary>
public interface IListedIdentitySource : IIdentitySource
{
    /// <summary>Every image the source holds, in one call (the order <c>-All</c> writes them in).</summary>
    Task<IReadOnlyList<ImageSummary>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Resolves one listed image.</summary>
    Task<IdentityOutcome> ResolveListedAsync(ImageSummary image, CancellationToken cancellationToken);
}
