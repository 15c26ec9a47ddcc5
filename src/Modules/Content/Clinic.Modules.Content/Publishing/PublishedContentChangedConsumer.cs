using Clinic.Modules.Content.Contracts;
using Clinic.Modules.Content.Editing;
using MassTransit;

namespace Clinic.Modules.Content.Publishing;

/// <summary>Reloads this host's published snapshot (and empties its output cache) when any host publishes.</summary>
internal sealed class PublishedContentChangedConsumer(ContentRefresh refresh) : IConsumer<PublishedContentChanged>
{
    public Task Consume(ConsumeContext<PublishedContentChanged> context) => refresh.RefreshAsync(context.CancellationToken);
}
