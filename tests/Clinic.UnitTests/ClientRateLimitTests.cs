using System.Net;
using Clinic.Host.RateLimiting;
using Clinic.Modules.Intake.ScheduleCall;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.UnitTests;

/// <summary>Every per-client limit, and the API's idempotency keys, count one client the same way.</summary>
public sealed class ClientRateLimitTests
{
    [Fact]
    public async Task Two_ipv6_addresses_in_one_64_share_the_sign_in_limit()
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().AddClinicRateLimiter().BuildServiceProvider();
        var pipeline = new ApplicationBuilder(services).UseRateLimiter();
        pipeline.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            return Task.CompletedTask;
        });
        var app = pipeline.Build();

        async Task<int> SignInFromAsync(string address)
        {
            var context = new DefaultHttpContext { RequestServices = services };
            context.Request.Method = "POST";
            context.Request.Path = "/account/login";
            context.Connection.RemoteIpAddress = IPAddress.Parse(address);
            context.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(new EnableRateLimitingAttribute(ClinicRateLimiting.SignInPolicy)), "sign-in"));
            await app(context);
            return context.Response.StatusCode;
        }

        var allowed = 0;
        while (await SignInFromAsync("2001:db8:7:7::1") == StatusCodes.Status200OK)
        {
            allowed++;
            Assert.True(allowed <= 100, "the sign-in limit never applied");
        }

        Assert.Equal(20, allowed);
        Assert.Equal(StatusCodes.Status429TooManyRequests, await SignInFromAsync("2001:db8:7:7:ffff::2"));
        Assert.Equal(StatusCodes.Status200OK, await SignInFromAsync("2001:db8:7:8::1"));
        Assert.Equal("sign-in", Clinic.Host.Accounts.AccountsExtensions.SignInRateLimit);
    }

    [Theory]
    [InlineData("203.0.113.7")]
    [InlineData("::ffff:203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa::1")]
    [InlineData("2001:db8:1:2:ffff:ffff:ffff:ffff")]
    [InlineData("::1")]
    public void The_intake_api_scopes_idempotency_keys_by_the_same_client_key_as_the_rate_limiter(string address) =>
        Assert.Equal(ClientNetworkKey.Of(IPAddress.Parse(address)), ClientNetwork.KeyOf(IPAddress.Parse(address)));

    [Fact]
    public void Intake_names_the_submissions_policy_the_host_registers() =>
        Assert.Equal(ClinicRateLimiting.SubmissionsPolicy, IntakeRateLimiting.PolicyName);
}
