using Clinic.Host.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Clinic.Host.Operations;

/// <summary>The operator's view: readiness, error queues, and the event forwarder's lag.</summary>
[Authorize(Policy = AccessPolicies.Admin)]
internal sealed class OperationsModel(HealthCheckService health) : PageModel
{
    public HealthReport Report { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        Report = await health.CheckHealthAsync(check => check.Tags.Contains("ready") || check.Tags.Contains("ops"), cancellationToken);
    }
}
