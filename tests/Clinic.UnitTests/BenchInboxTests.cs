using Clinic.Drills.Bench;

namespace Clinic.UnitTests;

/// <summary>The bench's inbox measure: the history it grows is big enough, and only right answers are timed.</summary>
public sealed class BenchInboxTests
{
    [Fact]
    public void The_history_grows_until_both_the_events_and_the_requests_reach_their_targets()
    {
        // 5,000 template requests of 4 events each: a million events would be only 250,000 requests.
        Assert.Equal(60, HistoryPlan.CopiesNeeded(0, 0, 20_000, 5_000, 1_000_000, 300_000));
        Assert.Equal(50, HistoryPlan.CopiesNeeded(0, 0, 20_000, 5_000, 1_000_000, 10_000));
        Assert.Equal(59, HistoryPlan.CopiesNeeded(20_000, 5_000, 20_000, 5_000, 1_000_000, 300_000));
        Assert.Equal(0, HistoryPlan.CopiesNeeded(2_000_000, 400_000, 20_000, 5_000, 1_000_000, 300_000));
        Assert.Equal(1, HistoryPlan.CopiesNeeded(999_999, 300_000, 20_000, 5_000, 1_000_000, 300_000));
    }

    [Fact]
    public void An_empty_store_is_an_error_rather_than_no_history()
    {
        Assert.Throws<InvalidOperationException>(() => HistoryPlan.CopiesNeeded(0, 0, 0, 0, 1_000, 1_000));
    }

    private static readonly Guid Id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
    private static readonly (Guid, string) Lookup = (Id, "KC-U0001-23456");

    [Fact]
    public void A_page_counts_and_a_lookup_only_when_it_links_to_the_request()
    {
        Assert.Equal(InboxAnswers.Answer.Page, InboxAnswers.Judge(200, null, "<h1>Requests</h1>", null));
        Assert.Equal(InboxAnswers.Answer.Page, InboxAnswers.Judge(200, null, $"<a href=\"/staff/requests/{Id}\">KC-U0001-23456</a>", Lookup));
        Assert.Equal(InboxAnswers.Answer.NotTheRequest, InboxAnswers.Judge(200, null, "<input name=\"reference\" value=\"KC-U0001-23456\"> No request matches.", Lookup));
    }

    [Fact]
    public void A_redirect_counts_when_it_goes_to_the_request_and_sign_in_means_the_session_was_lost()
    {
        Assert.Equal(InboxAnswers.Answer.Redirect, InboxAnswers.Judge(302, $"/staff/requests/{Id}", "", Lookup));
        Assert.Equal(InboxAnswers.Answer.Redirect, InboxAnswers.Judge(302, "/staff?page=1", "", null));
        Assert.Equal(InboxAnswers.Answer.NotTheRequest, InboxAnswers.Judge(302, $"/staff/requests/{Guid.Empty}", "", Lookup));
        Assert.Equal(InboxAnswers.Answer.NotTheRequest, InboxAnswers.Judge(302, null, "", Lookup));
        Assert.Equal(InboxAnswers.Answer.SignedOut, InboxAnswers.Judge(302, "http://127.0.0.1:5080/account/login?ReturnUrl=%2Fstaff", "", null));
        Assert.Equal(InboxAnswers.Answer.SignedOut, InboxAnswers.Judge(302, "/account/denied", "", Lookup));
        Assert.Equal(InboxAnswers.Answer.Error, InboxAnswers.Judge(500, null, "", null));
    }
}
