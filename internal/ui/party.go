package ui

import (
	"image"

	"github.com/hajimehoshi/ebiten/v2"
)

// partyRow is the height of a member's row in the party frame, in points.
const partyRow = 36

// leaderMark precedes the party leader's name in the party frame, and
// partyMark a party member's name over its head.
const (
	leaderMark = "♦ "
	partyMark  = "• "
)

// invitePrompt is the panel that offers to join the party someone invited
// the player to, with its two buttons; it shows while the invitation
// waits (at most inviteTime).
type invitePrompt struct {
	panel           image.Rectangle
	accept, decline *widget // "invite.accept", "invite.decline"
}

// newInvitePrompt makes the prompt's buttons for game screen s: they say
// "/accept" and "/decline".
func newInvitePrompt(s *gameScreen) invitePrompt {
	answer := func(line string) func() {
		return func() {
			s.say(line)
			s.session.answerInvite()
			s.social.invite = ""
			s.layout() // the prompt goes at once
		}
	}
	return invitePrompt{
		accept:  &widget{id: "invite.accept", label: "Accept", primary: true, onClick: answer("/accept")},
		decline: &widget{id: "invite.decline", label: "Decline", onClick: answer("/decline")},
	}
}

// layoutInvite places the prompt at the top middle, under the top bar,
// while an invitation waits.
func (s *gameScreen) layoutInvite() {
	p := &s.invite
	if s.social.invite == "" {
		p.panel, p.accept.rect, p.decline.rect = image.Rectangle{}, image.Rectangle{}, image.Rectangle{}
		return
	}
	t := s.app.theme
	w := min(t.px(320), s.app.w-t.px(20))
	p.panel = image.Rect(s.app.w/2-w/2, s.top.Max.Y+t.px(10), s.app.w/2+w/2, s.top.Max.Y+t.px(10+92))
	pad := t.px(12)
	row := splitRow(image.Rect(p.panel.Min.X+pad, p.panel.Max.Y-pad-t.px(34), p.panel.Max.X-pad, p.panel.Max.Y-pad), 2, t.px(10))
	p.accept.rect, p.decline.rect = row[0], row[1]
}

// drawInvite draws the prompt's panel and line; the form draws its
// buttons.
func (s *gameScreen) drawInvite(dst *ebiten.Image) {
	p := &s.invite
	if p.panel.Empty() {
		return
	}
	t := s.app.theme
	t.drawPanel(dst, p.panel)
	line := image.Rect(p.panel.Min.X, p.panel.Min.Y+t.px(8), p.panel.Max.X, p.accept.rect.Min.Y-t.px(4))
	drawTextIn(dst, s.social.invite+" invites you to a party", t.face(sizeBody, true), line, colInvite)
}

// partyFrame returns where the party frame shows, under the character's
// panel; empty without a party.
func (s *gameScreen) partyFrame() image.Rectangle {
	n := len(s.social.party.Members)
	if n == 0 {
		return image.Rectangle{}
	}
	t := s.app.theme
	r := s.hud.panel
	return image.Rect(r.Min.X, r.Max.Y+t.px(8), r.Max.X, r.Max.Y+t.px(8+12)+n*t.px(partyRow))
}

// drawParty draws the party frame: each member by name, the leader marked
// and in gold, with bars of health and mana once the world has sent them;
// an offline member is greyed.
func (s *gameScreen) drawParty(dst *ebiten.Image) {
	r := s.partyFrame()
	if r.Empty() {
		return
	}
	t := s.app.theme
	fillRound(dst, r, float32(t.px(8)), withAlpha(colPanel, 0xd8))
	face := t.face(sizeSmall, true)
	pad := t.px(10)
	x, w := float64(r.Min.X+pad), float64(r.Dx()-2*pad)
	y := r.Min.Y + t.px(6)
	for i, name := range s.social.party.Members {
		col := colParty
		if name == s.social.party.Leader {
			name, col = leaderMark+name, colGold
		}
		v, known := s.social.memberVitals(i)
		if known && !v.Online() {
			col = colDim
			drawText(dst, "offline", t.face(sizeSmall, false), x+w, float64(y), colDim, alignRight)
		}
		drawText(dst, name, face, x, float64(y), col, alignLeft)
		if known && v.Online() {
			bars := float64(y) + lineHeight(face) + float64(t.px(2))
			fillBar(dst, x, bars, w, float64(t.px(5)), int64(v.HP), int64(v.MaxHP), colDanger)
			fillBar(dst, x, bars+float64(t.px(7)), w, float64(t.px(3)), int64(v.MP), int64(v.MaxMP), colAccent)
		}
		y += t.px(partyRow)
	}
}

// placeTitle returns how the top bar names the map titled title: in a
// private instance, whose it is ("Crypt — Ann's party" when owner leads
// the player's party, "Ann's Crypt" otherwise).
func placeTitle(title, owner, leader string) string {
	switch owner {
	case "":
		return title
	case leader:
		return title + " — " + owner + "'s party"
	}
	return owner + "'s " + title
}
