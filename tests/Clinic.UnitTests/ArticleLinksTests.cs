using Clinic.Modules.Content.Library;

namespace Clinic.UnitTests;

public sealed class ArticleLinksTests
{
    [Theory]
    [InlineData("10.1016/j.jad.2020.05.017", "10.1016/j.jad.2020.05.017")]
    [InlineData("https://doi.org/10.1001/jamapsychiatry.2014.1760", "10.1001/jamapsychiatry.2014.1760")]
    [InlineData("HTTPS://DOI.ORG/10.1001/x", "10.1001/x")]
    [InlineData("http://dx.doi.org/10.1176/appi.ajp.2019.19010009", "10.1176/appi.ajp.2019.19010009")]
    [InlineData("doi:10.1002/(SICI)1097-4679;2-3", "10.1002/(SICI)1097-4679;2-3")]
    [InlineData("  10.12345/abc  ", "10.12345/abc")]
    public void A_doi_is_accepted_bare_or_with_its_resolver_and_kept_bare(string typed, string stored)
    {
        Assert.True(ArticleLinks.TryNormalizeDoi(typed, out var doi));
        Assert.Equal(stored, doi);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10.123/too-short-prefix")]
    [InlineData("11.1016/j.jad")]
    [InlineData("10.1016/")]
    [InlineData("10.1016/has space")]
    [InlineData("10.1016/\"><script>alert(1)</script>")]
    [InlineData("10.1016/x<img src=x onerror=alert(1)>")]
    [InlineData("javascript:alert(1)")]
    [InlineData("https://example.org/10.1016/j.jad")]
    [InlineData("10.1016/a\nb")]
    public void Anything_else_is_not_a_doi(string typed) => Assert.False(ArticleLinks.TryNormalizeDoi(typed, out _));

    [Theory]
    [InlineData("1", true)]
    [InlineData("25349875", true)]
    [InlineData("123456789", false)]
    [InlineData("", false)]
    [InlineData("PMID25349875", false)]
    [InlineData("12a4", false)]
    [InlineData("１２３", false)]
    [InlineData("123\n", false)]
    public void A_pubmed_id_is_one_to_eight_digits(string typed, bool valid) => Assert.Equal(valid, ArticleLinks.IsPubMedId(typed));

    [Theory]
    [InlineData("https://www.nimh.nih.gov/news/science-news/2016/ketamine", true)]
    [InlineData("http://example.org/a?b=c#d", true)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("JAVASCRIPT:alert(1)", false)]
    [InlineData("data:text/html,<script>alert(1)</script>", false)]
    [InlineData("vbscript:msgbox(1)", false)]
    [InlineData("ftp://example.org/a", false)]
    [InlineData("//example.org/a", false)]
    [InlineData("/research", false)]
    [InlineData("https://", false)]
    [InlineData("https://user:secret@example.org/", false)]
    [InlineData("https://example.org/a b", false)]
    [InlineData("https://example.org/\"onmouseover=\"alert(1)", false)]
    [InlineData("", false)]
    public void An_article_address_is_absolute_http_or_https(string typed, bool valid) => Assert.Equal(valid, ArticleLinks.IsWebAddress(typed));
}
