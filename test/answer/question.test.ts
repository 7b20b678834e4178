import { describe, expect, it } from 'vitest';
import { analyzeQuestion, cleanQuestion } from '../../src/answer/question.ts';

describe('cleanQuestion', () => {
  it('removes control and zero-width characters and collapses white space', () => {
    expect(cleanQuestion('  What\u0000 is\u0007 the\u200b VRAEM?\n\n ')).toBe('What is the VRAEM?');
  });

  it('removes Slack and Discord mention markup', () => {
    expect(cleanQuestion('@everyone <!channel> <@U12AB> <#C1|general> what is @here the VRAEM')).toBe('what is the VRAEM');
  });

  it('keeps an @ inside a word, such as an e-mail address', () => {
    expect(cleanQuestion('mail a@here.org')).toBe('mail a@here.org');
  });
});

describe('analyzeQuestion', () => {
  it.each([
    ['How many hectares of coca were grown in 2019?', 'number'],
    ['¿Cuántos policías murieron?', 'number'],
    ['When did eradication stop?', 'date'],
    ['Who leads the faction in the VRAEM?', 'person'],
    ['Where does the route enter Brazil?', 'place'],
    ['What is the VRAEM?', 'definition'],
    ['What does PIAS stand for?', 'definition'],
    ['Which law extended the defense committees?', 'list'],
    ['Why is the Air Force behind on maintenance?', 'reason'],
    ['coca hectares 2020', 'number'],
    ['illegal timber in Ucayali', 'other'],
  ])('reads "%s" as asking for a %s', (question, kind) => {
    expect(analyzeQuestion(question).kind).toBe(kind);
  });

  it('finds what a "how many" question counts', () => {
    expect(analyzeQuestion('how many tons of gold are mined').focus).toEqual(['tons', 'gold']);
    expect(analyzeQuestion('How many hectares of coca were grown in 2019?').focus).toEqual(['hectares', 'coca']);
  });

  it('finds years, names and acronyms', () => {
    const q = analyzeQuestion('Did the VRAEM and Brazil matter in 2019?');
    expect(q.years).toEqual(['2019']);
    expect(q.acronyms).toEqual(['vraem']);
    expect(q.capitalized).toEqual(['vraem', 'brazil']);
  });

  it('finds the subject of a definition question', () => {
    expect(analyzeQuestion('What is the VRAEM?').subject).toBe('vraem');
    expect(analyzeQuestion('What does PIAS stand for?').subject).toBe('pias');
  });

  it('recognizes questions about the documents themselves and which fields they ask for', () => {
    expect(analyzeQuestion('who wrote this?').meta).toEqual(['author']);
    expect(analyzeQuestion('When was the report published?').meta).toEqual(['date']);
    expect(analyzeQuestion('Who wrote this article, and on what date was it published?').meta).toEqual(['author', 'date']);
    expect(analyzeQuestion('what reports do you have?').meta).toEqual(['list']);
  });

  it('takes a noun naming a field after a question word as the field asked for, part by part', () => {
    expect(analyzeQuestion('Which publication put this out?').meta).toEqual(['publisher']);
    expect(analyzeQuestion('What outlet published this?').meta).toEqual(['publisher']);
    expect(analyzeQuestion('what year was this published?').meta).toEqual(['date']);
    expect(analyzeQuestion('Who wrote this article, and what publication ran it?').meta).toEqual(['author', 'publisher']);
    // A question word that asks for a field, opening a part: "where" the publisher, "when" the date.
    expect(analyzeQuestion('Where was this published?').meta).toEqual(['publisher']);
    expect(analyzeQuestion('who wrote it and when?').meta).toEqual(['author', 'date']);
    expect(analyzeQuestion('publication date?').meta).toEqual(['date']);
    // Not about the document: a question about the report's content that starts the same way.
    expect(analyzeQuestion('Which publication reported the killings?').meta).toEqual([]);
    expect(analyzeQuestion('What year did the program start?').meta).toEqual([]);
  });

  it('recognizes chit-chat in English and Spanish, and not a real question', () => {
    for (const q of ['thanks!', 'lol', 'good bot', 'tell me a joke', 'who made you', 'gracias', 'hola']) expect(analyzeQuestion(q).chitchat, q).toBe(true);
    for (const q of ['how many police died?', 'tell me about the navy', 'good prices for gold?']) expect(analyzeQuestion(q).chitchat, q).toBe(false);
  });

  it('takes thanks, praise, sign-offs and requests for help without a subject for chit-chat in both languages', () => {
    for (const q of ['that was very helpful, thanks', 'yes please', 'sorry!', 'can you help?', 'de nada', 'hasta luego', '¡excelente, gracias!', 'listo, entendido', 'me ayudas?']) expect(analyzeQuestion(q).chitchat, q).toBe(true);
    for (const q of ['how does the state help farmers?', 'sorry, who funds the navy?', '¿quién ayuda a los agricultores?']) expect(analyzeQuestion(q).chitchat, q).toBe(false);
  });

  it('takes a task for the bot (summarize, chart, a reminder) for chit-chat, and "remind me what …" for a question', () => {
    for (const q of ['summarize it', 'can you make a chart of coca prices', 'remind me to read the report tomorrow', 'pls translate this', 'resume el informe']) expect(analyzeQuestion(q).chitchat, q).toBe(true);
    for (const q of ['remind me the stuff about souped-up coca plants', 'pls remind me what the frontier law covers', 'did the navy fix the docks?']) expect(analyzeQuestion(q).chitchat, q).toBe(false);
    expect(analyzeQuestion('remind me who wrote this').meta).toEqual(['author']);
  });

  it('tells a Spanish question from an English one', () => {
    expect(analyzeQuestion('¿Cuántas hectáreas de coca había en 2020?').language.code).toBe('es');
    expect(analyzeQuestion('cuantos policias murieron por la pandemia').language.code).toBe('es');
    expect(analyzeQuestion('how many police died in Lima?').language.code).toBe('en');
  });

  it('recognizes questions about who wrote the report itself, in a few wordings', () => {
    expect(analyzeQuestion('who wrote this').meta).toEqual(['author']);
    expect(analyzeQuestion('Who is the author of the report?').meta).toEqual(['author']);
    expect(analyzeQuestion('How many police died?').meta).toEqual([]);
  });

  it('does not take "who wrote X" about something else for a question about the report', () => {
    expect(analyzeQuestion('Who wrote the Peruvian Constitution?').meta).toEqual([]);
    expect(analyzeQuestion('Who is the author of the Shining Path manifesto?').meta).toEqual([]);
  });

  it('takes "what did X do" and "tell me about X" as questions about X', () => {
    expect(analyzeQuestion('what did operation mercury do')).toMatchObject({ kind: 'definition', subject: 'operation mercury' });
    expect(analyzeQuestion('tell me about the PIAS')).toMatchObject({ kind: 'definition', subject: 'pias' });
  });

  it('knows what "how long" and "how big" are measured in', () => {
    expect(analyzeQuestion('how long is the border').units).toContain('kilometers');
    expect(analyzeQuestion('how big is the concession').units).toContain('hectares');
    expect(analyzeQuestion('how many police died').units).toEqual([]);
  });
});
