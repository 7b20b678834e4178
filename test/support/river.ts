/** A small report and a few analyzed passages about river towns, shared by the engine's unit tests. */
import type { IndexedPassage } from '../../src/search/index.ts';

/** A report of two sections and four paragraphs, with figures, names, a reason and a date. */
export const RIVER_TEXT = `---
title: River Towns
author: Lea Moss
---

## Boats

The ferry carries 300 passengers a day across the river. Its captain is Marta Solis.

Smugglers moved timber downstream because the border posts were unmanned.

## Markets

The market opens at dawn on Saturdays. Fish and cassava are sold there by women from the villages.

The town council raised the stall fee to 12 soles in 2019.
`;

/** Passages as the index receives them: each field already analyzed into terms joined by spaces. */
export const RIVER_PASSAGES: IndexedPassage[] = [
  { id: 'a', text: 'ferri carri passeng river ferri', section: 'boat', title: 'river town' },
  { id: 'b', text: 'smuggler move timber downstream border post', section: 'boat', title: 'river town' },
  { id: 'c', text: 'market open dawn fish cassava sold', section: 'market', title: 'river town' },
  { id: 'd', text: 'council rais stall fee market 2019', section: 'market fee', title: 'council note' },
  { id: 'e', text: 'river border ferri timber market', section: 'summari', title: 'council note' },
];
